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

/**
 * A relayed stream's body written straight into the client connection's buffer: each chunk read becomes one
 * {@code ReadBuffer} added to a Netty streaming body that the server writes as it comes. A {@code Flux<byte[]>} body
 * goes through Micronaut's encoding of each item (a body writer looked up, a body, an execution flow and an inner
 * subscription per chunk, then concatenated), which showed under 1,000 live streams (#22).
 * <p>
 * Everything but the source's signals runs on the connection's event loop; a chunk read on another loop is handed over.
 * Demand: up to {@value #BATCH} chunks are asked for at a time while fewer than {@value #WINDOW} bytes wait to be
 * written, so a client that reads slowly holds back its upstream instead of filling memory. The server reports the
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
    // Confined to the loop:
    private boolean subscribed;
    private long unconsumed;
    private long asked;
    private boolean unlimited;
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

    // The source's side.

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
        if (loop.inEventLoop()) {
            add(chunk);
        } else {
            loop.execute(() -> add(chunk));
        }
    }

    @Override
    public void onError(Throwable failure) {
        onLoop(() -> {
            if (!ended) {
                ended = true;
                buffer.error(failure);
            }
        });
    }

    @Override
    public void onComplete() {
        onLoop(() -> {
            if (!ended) {
                ended = true;
                buffer.complete();
            }
        });
    }

    private void add(byte[] chunk) {
        asked--;
        if (ended) {
            return;
        }
        unconsumed += chunk.length;
        buffer.add(factory.readBufferFactory().adapt(chunk));
        askMore();
    }

    private void askMore() {
        Subscription current = subscription;
        if (ended || current == null || asked > BATCH / 2 || (!unlimited && unconsumed >= WINDOW)) {
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
