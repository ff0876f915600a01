package io.keyway.openai;

import io.micronaut.core.io.buffer.ReadBuffer;
import io.micronaut.http.body.stream.BaseStreamingByteBody;
import io.micronaut.http.body.stream.BufferConsumer;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Operators;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A streamed answer's body read as byte arrays straight from Micronaut's shared buffer ({@link BufferConsumer}), one
 * subscriber deep. {@code ByteBody.toByteArrayPublisher()} puts a unicast sink and five operators between the
 * connection and the first reader; under 1,000 live streams the sink's drain led the profile (BENCHMARKS.md, #22).
 * <p>
 * Reads arrive on the connection's event loop; demand and cancellation may come from any thread. A read is passed on at
 * once when there is demand and nothing waits, else queued and drained in order (the usual work-in-progress counter,
 * so one thread delivers at a time). Bytes passed on are reported consumed, which is what lets the connection read
 * more, as the sink did. Cancelling stops delivery, drops what waits and lets the rest of the body be discarded.
 */
final class DirectBody extends Flux<byte[]> {
    private final Bridge bridge = new Bridge();
    private final AtomicBoolean subscribed = new AtomicBoolean();

    /** Claims the body at once, as {@code toByteArrayPublisher()} does; nothing is read before a subscriber asks. */
    DirectBody(BaseStreamingByteBody<?> body) {
        bridge.upstream = body.primary(bridge);
    }

    @Override
    public void subscribe(CoreSubscriber<? super byte[]> actual) {
        if (!subscribed.compareAndSet(false, true)) {
            Operators.error(actual, new IllegalStateException("a body is read once"));
            return;
        }
        bridge.actual = actual;
        actual.onSubscribe(bridge);
        bridge.upstream.start();
        bridge.drain();
    }

    private static final class Bridge implements BufferConsumer, Subscription {
        /** Set once, before the first delivery: nothing is delivered or ended before there is a subscriber. */
        private volatile CoreSubscriber<? super byte[]> actual;
        private final Queue<byte[]> waiting = new ConcurrentLinkedQueue<>();
        private final AtomicInteger wip = new AtomicInteger();
        private final AtomicLong requested = new AtomicLong();
        private volatile BufferConsumer.Upstream upstream;
        private volatile boolean done;
        private volatile boolean cancelled;
        private Throwable failure;

        @Override
        public void add(ReadBuffer buffer) {
            if (cancelled || done) {
                buffer.close();
                return;
            }
            byte[] bytes = buffer.toArray();
            if (wip.get() == 0 && wip.compareAndSet(0, 1)) {
                // The common case: the reader is waiting for this read and nothing is queued.
                if (waiting.isEmpty() && requested.get() > 0) {
                    deliver(bytes);
                    if (requested.get() != Long.MAX_VALUE) {
                        requested.decrementAndGet();
                    }
                } else {
                    waiting.offer(bytes);
                }
                if (wip.decrementAndGet() == 0) {
                    return;
                }
                drainLoop();
                return;
            }
            waiting.offer(bytes);
            drain();
        }

        @Override
        public void complete() {
            done = true;
            drain();
        }

        @Override
        public void error(Throwable e) {
            failure = e;
            done = true;
            drain();
        }

        @Override
        public void request(long n) {
            if (Operators.validate(n)) {
                requested.getAndAccumulate(n, Operators::addCap);
                drain();
            }
        }

        @Override
        public void cancel() {
            if (cancelled) {
                return;
            }
            cancelled = true;
            BufferConsumer.Upstream source = upstream;
            if (source != null) {
                source.allowDiscard();
                source.disregardBackpressure();
            }
            if (wip.getAndIncrement() == 0) {
                waiting.clear();
            }
        }

        private void deliver(byte[] bytes) {
            try {
                actual.onNext(bytes);
            } catch (RuntimeException | Error broken) {
                // A reader must not throw (Reactive Streams 2.13). One that does is treated as Reactor treats it: the
                // body is cancelled and the failure signalled, so the exchange is given up and its connection closed,
                // instead of the exception unwinding this drain with its counter held and the body stalled for good
                // (how #22's StreamedBody once stopped streams).
                if (!cancelled) {
                    cancel();
                    actual.onError(broken);
                }
                return;
            }
            upstream.onBytesConsumed(bytes.length);
        }

        private void drain() {
            if (wip.getAndIncrement() != 0) {
                return;
            }
            drainLoop();
        }

        private void drainLoop() {
            int missed = 1;
            for (;;) {
                if (actual == null) {
                    missed = wip.addAndGet(-missed);
                    if (missed == 0) {
                        return;
                    }
                    continue;
                }
                long wanted = requested.get();
                long sent = 0;
                while (sent != wanted) {
                    if (cancelled) {
                        waiting.clear();
                        return;
                    }
                    boolean finished = done;
                    byte[] next = waiting.poll();
                    if (next == null) {
                        if (finished) {
                            terminate();
                            return;
                        }
                        break;
                    }
                    deliver(next);
                    sent++;
                }
                if (sent == wanted) {
                    if (cancelled) {
                        waiting.clear();
                        return;
                    }
                    if (done && waiting.isEmpty()) {
                        terminate();
                        return;
                    }
                }
                if (sent != 0 && wanted != Long.MAX_VALUE) {
                    requested.addAndGet(-sent);
                }
                missed = wip.addAndGet(-missed);
                if (missed == 0) {
                    return;
                }
            }
        }

        private void terminate() {
            cancelled = true;
            Throwable reported = failure;
            if (reported != null) {
                actual.onError(reported);
            } else {
                actual.onComplete();
            }
        }
    }
}
