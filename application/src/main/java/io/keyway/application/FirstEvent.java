package io.keyway.application;

import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An event stream's body read up to its first event that carries data, so that the router can tell a stream that
 * began from one that failed before it began (an {@code error} event, an error object, or a cut before any data),
 * and then the same body again, every byte of it, for the client. Comments ({@code : OPENROUTER PROCESSING}) and
 * empty events are kept and passed on but do not count as a beginning. The bytes read while looking are replayed to
 * the one subscriber of {@link #body()} at its demand, then the rest of the upstream body flows through unchanged.
 */
final class FirstEvent implements Flow.Subscriber<byte[]> {
    /** What the first event said. */
    enum Kind {
        /** A data event that is not an error: the stream has begun. */
        BEGAN,
        /** An error event, or a data event holding an error object, before any data. */
        ERROR_EVENT,
        /** The body failed before any data. */
        FAILED,
        /** The body ended before any data. */
        ENDED
    }

    private final CompletableFuture<Kind> first = new CompletableFuture<>();
    private final ArrayDeque<byte[]> replay = new ArrayDeque<>();
    private final FirstEventScan scan = new FirstEventScan();
    private final AtomicLong demand = new AtomicLong();
    private final AtomicInteger wip = new AtomicInteger();
    private final Object lock = new Object();
    private Flow.Subscription upstream;
    private volatile Flow.Subscriber<? super byte[]> downstream;
    /** Set once the replay is done and upstream items go straight to the downstream. */
    private volatile boolean passing;
    private volatile boolean cancelled;
    /** An end that came while looking, or before the replay was drained: delivered after it. */
    private boolean ended;
    private Throwable failure;
    private boolean endDelivered;

    private FirstEvent() {
    }

    /** Starts reading {@code body}; the returned reader says what its first event was and replays it. */
    static FirstEvent read(Flow.Publisher<byte[]> body) {
        FirstEvent reader = new FirstEvent();
        body.subscribe(reader);
        return reader;
    }

    CompletableFuture<Kind> first() {
        return first;
    }

    /** The whole body, replayed from its first byte; subscribe once, after {@link #first()} completed. */
    Flow.Publisher<byte[]> body() {
        return subscriber -> {
            if (downstream != null) {
                subscriber.onSubscribe(new Flow.Subscription() {
                    @Override
                    public void request(long n) {
                    }

                    @Override
                    public void cancel() {
                    }
                });
                subscriber.onError(new IllegalStateException("the body has one subscriber"));
                return;
            }
            downstream = subscriber;
            subscriber.onSubscribe(new Flow.Subscription() {
                @Override
                public void request(long n) {
                    if (n <= 0) {
                        return;
                    }
                    demand.getAndAccumulate(n, (a, b) -> a + b < 0 ? Long.MAX_VALUE : a + b);
                    drain();
                }

                @Override
                public void cancel() {
                    cancelled = true;
                    Flow.Subscription source = upstream;
                    if (source != null) {
                        source.cancel();
                    }
                }
            });
        };
    }

    /** Gives the body up unread: the upstream request is cancelled. */
    void discard() {
        cancelled = true;
        Flow.Subscription source = upstream;
        if (source != null) {
            source.cancel();
        }
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        upstream = subscription;
        if (cancelled) {
            subscription.cancel();
            return;
        }
        subscription.request(1);
    }

    @Override
    public void onNext(byte[] item) {
        if (passing) {
            Flow.Subscriber<? super byte[]> target = downstream;
            if (target != null && !cancelled) {
                target.onNext(item);
            }
            return;
        }
        synchronized (lock) {
            replay.add(item);
        }
        if (!first.isDone()) {
            Kind kind = scan.look(item);
            if (kind != null) {
                first.complete(kind);
            } else {
                upstream.request(1);
            }
        }
    }

    @Override
    public void onError(Throwable error) {
        end(error);
        first.complete(Kind.FAILED);
    }

    @Override
    public void onComplete() {
        end(null);
        first.complete(Kind.ENDED);
    }

    private void end(Throwable error) {
        if (passing) {
            Flow.Subscriber<? super byte[]> target = downstream;
            synchronized (lock) {
                if (endDelivered) {
                    return;
                }
                endDelivered = true;
            }
            if (target != null && !cancelled) {
                if (error == null) {
                    target.onComplete();
                } else {
                    target.onError(error);
                }
            }
            return;
        }
        synchronized (lock) {
            ended = true;
            failure = error;
        }
        drain();
    }

    /** Replays what was read at the downstream's demand, then lets the upstream flow: one drainer at a time. */
    private void drain() {
        if (downstream == null || wip.getAndIncrement() != 0) {
            return;
        }
        do {
            Flow.Subscriber<? super byte[]> target = downstream;
            while (!cancelled && demand.get() > 0) {
                byte[] next;
                synchronized (lock) {
                    next = replay.poll();
                }
                if (next == null) {
                    break;
                }
                demand.decrementAndGet();
                target.onNext(next);
            }
            boolean empty;
            boolean endNow = false;
            Throwable error = null;
            synchronized (lock) {
                empty = replay.isEmpty();
                if (empty && ended && !endDelivered) {
                    endDelivered = true;
                    endNow = true;
                    error = failure;
                }
                if (empty && !ended) {
                    passing = true;
                }
            }
            if (endNow && !cancelled) {
                if (error == null) {
                    target.onComplete();
                } else {
                    target.onError(error);
                }
                return;
            }
            if (passing && !cancelled) {
                long wanted = demand.getAndSet(0);
                if (wanted > 0) {
                    upstream.request(wanted);
                }
            }
        } while (wip.decrementAndGet() != 0);
    }
}
