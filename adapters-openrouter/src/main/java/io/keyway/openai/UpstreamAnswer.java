package io.keyway.openai;

import io.micronaut.http.ByteBodyHttpResponse;
import io.micronaut.http.HttpResponse;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.Disposable;
import reactor.core.publisher.Operators;
import reactor.util.context.Context;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;

/**
 * Waits for the client's one answer to {@link UpstreamExchanges#send} (status line and headers) and completes
 * {@code response} with it: one subscriber in place of the five Reactor operators ({@code from}, {@code map},
 * {@code singleOrEmpty}, {@code contextWrite}, a lambda subscriber) that every request passed before. Disposing it
 * cancels the request.
 */
final class UpstreamAnswer implements CoreSubscriber<HttpResponse<?>>, Disposable {
    private final CompletableFuture<ByteBodyHttpResponse<?>> response;
    private static final AtomicReferenceFieldUpdater<UpstreamAnswer, Subscription> SUBSCRIPTION =
            AtomicReferenceFieldUpdater.newUpdater(UpstreamAnswer.class, Subscription.class, "subscription");
    /** The client's subscription; {@link Operators#cancelledSubscription()} once disposed. */
    private volatile Subscription subscription;

    UpstreamAnswer(CompletableFuture<ByteBodyHttpResponse<?>> response) {
        this.response = response;
    }

    @Override
    public Context currentContext() {
        return UpstreamExchanges.IGNORE_DROPPED_ERRORS;
    }

    @Override
    public void onSubscribe(Subscription given) {
        if (Operators.setOnce(SUBSCRIPTION, this, given)) {
            given.request(1);
        }
    }

    @Override
    public void onNext(HttpResponse<?> answer) {
        if (!response.complete((ByteBodyHttpResponse<?>) answer)) {
            // Too late: the try timed out or was given up, and its connection is closed.
            ((ByteBodyHttpResponse<?>) answer).close();
        }
    }

    @Override
    public void onError(Throwable failure) {
        response.completeExceptionally(failure);
    }

    @Override
    public void onComplete() {
        response.complete(null);
    }

    @Override
    public void dispose() {
        Operators.terminate(SUBSCRIPTION, this);
    }

    @Override
    public boolean isDisposed() {
        return subscription == Operators.cancelledSubscription();
    }
}
