package io.keyway.http.relay;

import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Operators;
import reactor.util.context.Context;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A body passed on unchanged, with one {@link Watcher} told of each of its signals before the signal travels on. It
 * replaces a chain of {@code doOnSubscribe}/{@code doOnNext}/{@code doOnComplete}/{@code doOnError}/{@code doOnCancel}
 * operators (up to ten per relayed body), each of which every signal of every body passed: that layering showed in
 * profiles of the hot path.
 */
final class WatchedBody extends Flux<byte[]> {
    /**
     * What a body's end means to the relay. Exactly one of {@link #completed}, {@link #failed} and {@link #cancelled}
     * is called, once. A watcher must not throw.
     */
    interface Watcher {
        /** The body is being read. */
        default void started() {
        }

        /** A chunk, before it goes on. */
        void chunk(byte[] chunk);

        /** The body ended whole, before the end goes on. */
        void completed();

        /** The body failed, before the failure goes on. */
        void failed(Throwable failure);

        /** The reader gave up, before the cancel goes upstream. */
        void cancelled();
    }

    private final Flux<byte[]> source;
    private final Watcher watcher;

    WatchedBody(Flux<byte[]> source, Watcher watcher) {
        this.source = source;
        this.watcher = watcher;
    }

    @Override
    public void subscribe(CoreSubscriber<? super byte[]> actual) {
        source.subscribe(new Reader(actual, watcher));
    }

    private static final class Reader implements CoreSubscriber<byte[]>, Subscription {
        private final CoreSubscriber<? super byte[]> actual;
        private final Watcher watcher;
        private Subscription upstream;
        /**
         * Taken by whichever end comes first: the reading thread's completion or failure, or a cancel from any thread.
         * So a watcher is told of exactly one end, even when a cancel races the source's own end.
         */
        private final AtomicBoolean ended = new AtomicBoolean();

        Reader(CoreSubscriber<? super byte[]> actual, Watcher watcher) {
            this.actual = actual;
            this.watcher = watcher;
        }

        @Override
        public Context currentContext() {
            return actual.currentContext();
        }

        @Override
        public void onSubscribe(Subscription subscription) {
            if (Operators.validate(upstream, subscription)) {
                upstream = subscription;
                watcher.started();
                actual.onSubscribe(this);
            }
        }

        @Override
        public void onNext(byte[] chunk) {
            if (ended.get()) {
                return;
            }
            watcher.chunk(chunk);
            actual.onNext(chunk);
        }

        @Override
        public void onError(Throwable failure) {
            if (!ended.compareAndSet(false, true)) {
                // The source's answer to being cancelled (its connection closed): the end was already told.
                return;
            }
            watcher.failed(failure);
            actual.onError(failure);
        }

        @Override
        public void onComplete() {
            if (!ended.compareAndSet(false, true)) {
                return;
            }
            watcher.completed();
            actual.onComplete();
        }

        @Override
        public void request(long n) {
            upstream.request(n);
        }

        @Override
        public void cancel() {
            if (ended.compareAndSet(false, true)) {
                watcher.cancelled();
            }
            upstream.cancel();
        }
    }
}
