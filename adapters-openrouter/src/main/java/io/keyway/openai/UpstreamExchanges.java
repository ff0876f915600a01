package io.keyway.openai;

import io.micronaut.core.io.buffer.ByteArrayBufferFactory;
import io.micronaut.http.ByteBodyHttpResponse;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MutableHttpRequest;
import io.micronaut.http.body.stream.AvailableByteArrayBody;
import io.micronaut.http.body.stream.BaseStreamingByteBody;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Operators;
import reactor.util.context.Context;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * HTTP exchanges with one upstream that can be given up for real: the only place that talks to
 * {@link InFlightConnections}. An exchange ends in exactly one of two ways: finished (its body was read to the end,
 * or it failed before any connection carried it), or abandoned (its connection is closed).
 */
final class UpstreamExchanges {
    /**
     * Closing the connection of an abandoned or timed-out call makes the client report the close to a subscriber
     * that is already gone; Reactor would log that as an error. It is not one: the call has been answered for.
     * ({@code reactor.onErrorDropped.local} is Reactor's context key for a subscription's own dropped-error hook.)
     */
    static final Context IGNORE_DROPPED_ERRORS = Context.of("reactor.onErrorDropped.local", (Consumer<Throwable>) dropped -> { });

    private final UpstreamConnections connections;

    UpstreamExchanges(UpstreamConnections connections) {
        this.connections = connections;
    }

    /**
     * Sends a request. The response completes with the status line and headers, or fails with a
     * {@link java.util.concurrent.TimeoutException} after {@code firstByte}, in which case the exchange is abandoned;
     * with no response at all (the connection closed first) it completes with null.
     */
    Exchange send(MutableHttpRequest<?> request, byte[] body, Duration firstByte) {
        InFlightConnections.Call call = connections.inFlight().open();
        request.header(InFlightConnections.TAG_HEADER, call.tag());
        CompletableFuture<ByteBodyHttpResponse<?>> response = new CompletableFuture<>();
        UpstreamAnswer subscription = new UpstreamAnswer(response);
        connections.client().exchange(request, body == null ? null : AvailableByteArrayBody.create(ByteArrayBufferFactory.INSTANCE, body), null)
                .subscribe(subscription);
        Future<?> firstByteTimer = connections.timers().schedule(() -> {
            if (response.completeExceptionally(new TimeoutException("no answer within " + firstByte))) {
                subscription.dispose();
            }
        }, firstByte.toNanos());
        Exchange exchange = new Exchange(call, response, subscription, connections.timers());
        response.whenComplete((answer, failure) -> {
            firstByteTimer.cancel(false);
            if (failure != null) {
                // A timed-out or failed try gives its connection up: Micronaut 4.10 would keep it waiting otherwise.
                call.abandon();
            } else if (answer == null) {
                call.finish();
            }
        });
        return exchange;
    }

    /** One request and its answer. */
    static final class Exchange {
        private final InFlightConnections.Call call;
        private final CompletableFuture<ByteBodyHttpResponse<?>> response;
        private final Disposable subscription;
        private final UpstreamTimers timers;

        private Exchange(InFlightConnections.Call call, CompletableFuture<ByteBodyHttpResponse<?>> response, Disposable subscription,
                         UpstreamTimers timers) {
            this.call = call;
            this.response = response;
            this.subscription = subscription;
            this.timers = timers;
        }

        CompletableFuture<ByteBodyHttpResponse<?>> response() {
            return response;
        }

        /** Gives the exchange up: the try in flight, or the body being read; its connection is closed. */
        void abandon() {
            call.abandon();
            if (response.cancel(true)) {
                subscription.dispose();
            }
        }

        /** Puts an answer aside unread (a status to retry): its connection goes back to the pool. */
        void discard(HttpResponse<?> answer) {
            ((ByteBodyHttpResponse<?>) answer).close();
            call.finish();
        }

        /** The answer's body as it is read, with no time limit. Cancelling or failing it abandons the exchange; reading it to the end finishes it. */
        Flux<byte[]> body(ByteBodyHttpResponse<?> answer) {
            return body(answer, null, UnaryOperator.identity(), null);
        }

        /**
         * The answer's body as it is read, with {@code limit} watched (a body that breaks it fails with a
         * {@link TimeoutException}, and its connection is closed) and {@code mapping} applied to its failure inside
         * the exchange, so that a failure it raises abandons it too, and errors reported after it was given up stay
         * quiet; with {@code redacted} (the key the call was sent with, or null), every echo of it is replaced in the
         * bytes ({@link CredentialEchoes.Redactor}). One operator does all of it: the nine Reactor operators it
         * replaces showed in profiles of the hot path, each passed by every signal of every body.
         */
        Flux<byte[]> body(ByteBodyHttpResponse<?> answer, BodyWatchdog.BodyLimit limit, UnaryOperator<Throwable> mapping, String redacted) {
            Flux<byte[]> source = answer.byteBody() instanceof BaseStreamingByteBody<?> streaming ? new DirectBody(streaming)
                    : Flux.from(answer.byteBody().toByteArrayPublisher());
            return new Body(source, limit == null ? null : new BodyWatchdog(limit, timers, call), mapping,
                    redacted == null || redacted.isEmpty() ? null : redacted);
        }

        /** The body read through its exchange: watched, its failure mapped, the exchange finished or abandoned at its end. */
        private final class Body extends Flux<byte[]> {
            private final Flux<byte[]> source;
            private final BodyWatchdog watchdog;
            private final UnaryOperator<Throwable> mapping;
            private final String redacted;

            Body(Flux<byte[]> source, BodyWatchdog watchdog, UnaryOperator<Throwable> mapping, String redacted) {
                this.source = source;
                this.watchdog = watchdog;
                this.mapping = mapping;
                this.redacted = redacted;
            }

            @Override
            public void subscribe(CoreSubscriber<? super byte[]> actual) {
                source.subscribe(new Reader(actual, watchdog, mapping, redacted == null ? null : new CredentialEchoes.Redactor(redacted)));
            }
        }

        private final class Reader implements CoreSubscriber<byte[]>, Subscription {
            private final CoreSubscriber<? super byte[]> actual;
            private final BodyWatchdog watchdog;
            private final UnaryOperator<Throwable> mapping;
            private final Context context;
            /** Replaces echoes of the key sent; null when none was. */
            private final CredentialEchoes.Redactor redactor;
            /** Demand not yet met: a read the redactor keeps back entirely is made up for, and a kept-back tail waits for demand. */
            private final java.util.concurrent.atomic.AtomicLong requested = new java.util.concurrent.atomic.AtomicLong();
            /** A kept-back tail to send before completing, once there is demand (rare: a body ending like the start of the key). */
            private byte[] pendingTail;
            private Subscription upstream;
            /**
             * Taken by whichever end comes first: the reading thread's completion or failure, or a cancel from any
             * thread (the same rule as the relay's {@code WatchedBody}), so the exchange is finished or abandoned once.
             */
            private final AtomicBoolean ended = new AtomicBoolean();

            Reader(CoreSubscriber<? super byte[]> actual, BodyWatchdog watchdog, UnaryOperator<Throwable> mapping,
                   CredentialEchoes.Redactor redactor) {
                this.actual = actual;
                this.watchdog = watchdog;
                this.mapping = mapping;
                this.redactor = redactor;
                this.context = actual.currentContext().putAll(IGNORE_DROPPED_ERRORS.readOnly());
            }

            @Override
            public Context currentContext() {
                return context;
            }

            @Override
            public void onSubscribe(Subscription subscription) {
                if (Operators.validate(upstream, subscription)) {
                    upstream = subscription;
                    if (watchdog != null) {
                        watchdog.arm();
                    }
                    actual.onSubscribe(this);
                }
            }

            @Override
            public void onNext(byte[] chunk) {
                if (ended.get()) {
                    return;
                }
                if (watchdog != null) {
                    watchdog.read();
                }
                if (redactor != null) {
                    chunk = redactor.next(chunk, false);
                    if (chunk.length == 0) {
                        // All of it kept back: the demand it was to meet is asked of the source again.
                        upstream.request(1);
                        return;
                    }
                    requested.decrementAndGet();
                }
                actual.onNext(chunk);
            }

            @Override
            public void onError(Throwable failure) {
                if (!ended.compareAndSet(false, true)) {
                    return;
                }
                Throwable reported = failure;
                if (watchdog != null) {
                    watchdog.disarm();
                    if (watchdog.fired()) {
                        reported = watchdog.failure();
                    }
                }
                try {
                    reported = mapping.apply(reported);
                } catch (RuntimeException mappingFailed) {
                    reported = mappingFailed;
                }
                call.abandon();
                actual.onError(reported);
            }

            @Override
            public void onComplete() {
                if (!ended.compareAndSet(false, true)) {
                    return;
                }
                if (watchdog != null) {
                    watchdog.disarm();
                }
                call.finish();
                byte[] tail = redactor == null ? null : redactor.rest();
                if (tail != null && tail.length > 0) {
                    synchronized (this) {
                        if (requested.get() <= 0) {
                            pendingTail = tail;
                            return;
                        }
                    }
                    actual.onNext(tail);
                }
                actual.onComplete();
            }

            @Override
            public void request(long n) {
                if (redactor != null) {
                    requested.getAndAccumulate(n, Operators::addCap);
                    byte[] tail;
                    synchronized (this) {
                        tail = pendingTail;
                        pendingTail = null;
                    }
                    if (tail != null) {
                        actual.onNext(tail);
                        actual.onComplete();
                        return;
                    }
                }
                upstream.request(n);
            }

            @Override
            public void cancel() {
                // What the source reports after this (its connection closed) is the answer to it: not passed on. A
                // cancel after the body's end leaves the finished exchange (and its pooled connection) alone.
                if (ended.compareAndSet(false, true)) {
                    call.abandon();
                    if (watchdog != null) {
                        watchdog.disarm();
                    }
                }
                upstream.cancel();
            }
        }
    }
}
