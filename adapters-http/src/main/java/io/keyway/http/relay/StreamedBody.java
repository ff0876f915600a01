package io.keyway.http.relay;

import io.micronaut.http.body.CloseableByteBody;
import io.micronaut.http.body.stream.BodySizeLimits;
import io.micronaut.http.body.stream.BufferConsumer;
import io.micronaut.http.netty.body.NettyByteBodyFactory;
import io.micronaut.http.netty.body.StreamingNettyByteBody;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A relayed stream's body written straight into the client connection's buffer: each chunk read becomes one
 * {@code ReadBuffer} added to a Netty streaming body that the server writes as it comes. A {@code Flux<byte[]>} body
 * goes through Micronaut's encoding of each item (a body writer looked up, a body, an execution flow and an inner
 * subscription per chunk, then concatenated), which showed under 1,000 live streams (#22).
 * <p>
 * <b>Order and re-entry.</b> The source's signals (from the upstream connection's loop, or from this loop when a
 * request is met at once) go into one queue, in the order they came, and only this connection's loop takes them out.
 * It never adds to the server's buffer from inside an add: adding writes, a write reports bytes consumed, that asks
 * the source for more, and the source may answer on the spot. Such a chunk waits in the queue for the add under way
 * to return (Micronaut's shared buffer refuses a nested add, and one would overtake chunks still queued).
 * <p>
 * <b>Demand.</b> Up to {@value #BATCH} chunks are asked for at a time while fewer than {@value #WINDOW} bytes wait to
 * be written, so a client that reads slowly holds back its upstream instead of filling memory. The server reports the
 * connection's end ({@code allowDiscard}) when the client leaves or the response is dropped: the source is cancelled.
 */
final class StreamedBody implements CoreSubscriber<byte[]>, BufferConsumer.Upstream {
    private static final long WINDOW = 64 * 1024;
    private static final int BATCH = 16;

    private final Flux<byte[]> source;
    private final EventLoop loop;
    private final NettyByteBodyFactory factory;
    private StreamingNettyByteBody.SharedBuffer buffer;
    private volatile Subscription subscription;
    /** The source's chunks not yet added, in order; offered from any thread, taken on the loop. */
    private final Queue<byte[]> chunks = new ConcurrentLinkedQueue<>();
    /** How the source ended (a failure, or {@link #COMPLETE}); set after its last chunk is queued. */
    private volatile Throwable end;
    private static final Throwable COMPLETE = new Throwable("complete", null, false, false) { };
    /** A drain is scheduled on the loop and has not started yet. */
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final Runnable scheduledDrain = () -> {
        scheduled.set(false);
        drain();
    };
    // Confined to the loop:
    private boolean subscribed;
    private boolean draining;
    private long unconsumed;
    private long asked;
    private boolean unlimited;
    /** The body has ended for the server: completed, failed or discarded. */
    private boolean ended;

    private StreamedBody(Flux<byte[]> source, Channel channel) {
        this.source = source;
        this.loop = channel.eventLoop();
        this.factory = new NettyByteBodyFactory(channel);
    }

    /** {@code source} as a body for a response on {@code channel}; it is subscribed when the server starts writing. */
    static CloseableByteBody of(Flux<byte[]> source, Channel channel) {
        StreamedBody body = new StreamedBody(source, channel);
        body.buffer = body.factory.createStreamingBuffer(BodySizeLimits.UNLIMITED, body);
        return new StreamingNettyByteBody(body.buffer);
    }

    // The server's side (on the loop).

    @Override
    public void start() {
        onLoop(() -> {
            if (!subscribed) {
                subscribed = true;
                source.subscribe(this);
            }
        });
    }

    @Override
    public void onBytesConsumed(long bytes) {
        onLoop(() -> {
            unconsumed = bytes == Long.MAX_VALUE ? 0 : Math.max(0, unconsumed - bytes);
            askMore();
        });
    }

    @Override
    public void allowDiscard() {
        onLoop(() -> {
            if (ended) {
                return;
            }
            ended = true;
            chunks.clear();
            Subscription current = subscription;
            if (current != null) {
                current.cancel();
            } else if (!subscribed) {
                // Never written: the source is still started and cancelled, so that its upstream call is given up.
                subscribed = true;
                source.subscribe(this);
            }
        });
    }

    @Override
    public void disregardBackpressure() {
        onLoop(() -> {
            unlimited = true;
            askMore();
        });
    }

    // The source's side (any thread, one signal at a time).

    @Override
    public void onSubscribe(Subscription s) {
        subscription = s;
        onLoop(() -> {
            if (ended) {
                s.cancel();
            } else {
                askMore();
            }
        });
    }

    @Override
    public void onNext(byte[] chunk) {
        if (loop.inEventLoop() && !draining && chunks.isEmpty()) {
            // The usual case (the upstream's connection lives on this loop): nothing waits, so no queue.
            draining = true;
            try {
                add(chunk);
            } finally {
                draining = false;
            }
            drain();
            return;
        }
        chunks.offer(chunk);
        signal();
    }

    @Override
    public void onError(Throwable failure) {
        end = failure;
        signal();
    }

    @Override
    public void onComplete() {
        end = COMPLETE;
        signal();
    }

    private void signal() {
        if (loop.inEventLoop()) {
            drain();
        } else if (scheduled.compareAndSet(false, true)) {
            loop.execute(scheduledDrain);
        }
    }

    // The loop's work.

    /** Adds what the source sent, in order, then its end; a drain already under way (further up the stack) does it. */
    private void drain() {
        if (draining) {
            return;
        }
        draining = true;
        try {
            while (true) {
                Throwable finished = end;
                byte[] chunk = chunks.poll();
                if (chunk != null) {
                    add(chunk);
                    continue;
                }
                if (finished != null && !ended) {
                    ended = true;
                    if (finished == COMPLETE) {
                        buffer.complete();
                    } else {
                        buffer.error(finished);
                    }
                }
                break;
            }
        } finally {
            draining = false;
        }
        askMore();
    }

    /** One chunk into the server's buffer; only inside a drain. */
    private void add(byte[] chunk) {
        asked--;
        if (!ended) {
            unconsumed += chunk.length;
            buffer.add(factory.readBufferFactory().adapt(chunk));
        }
    }

    private void askMore() {
        Subscription current = subscription;
        if (ended || draining || current == null || asked > BATCH / 2 || (!unlimited && unconsumed >= WINDOW)) {
            return;
        }
        long more = BATCH - asked;
        asked = BATCH;
        current.request(more);
    }

    private void onLoop(Runnable task) {
        if (loop.inEventLoop()) {
            task.run();
        } else {
            loop.execute(task);
        }
    }
}
