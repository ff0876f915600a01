package io.keyway.openrouter;

import io.micronaut.core.io.buffer.ByteArrayBufferFactory;
import io.micronaut.http.ByteBodyHttpResponse;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MutableHttpRequest;
import io.micronaut.http.body.stream.AvailableByteArrayBody;
import reactor.core.publisher.Flux;
import reactor.util.context.Context;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
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
    private static final Context IGNORE_DROPPED_ERRORS = Context.of("reactor.onErrorDropped.local", (Consumer<Throwable>) dropped -> { });

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
        CompletableFuture<ByteBodyHttpResponse<?>> response = Flux.from(connections.client().exchange(request,
                        body == null ? null : AvailableByteArrayBody.create(ByteArrayBufferFactory.INSTANCE, body), null))
                .<ByteBodyHttpResponse<?>>map(answer -> (ByteBodyHttpResponse<?>) answer)
                .singleOrEmpty()
                .timeout(firstByte)
                .contextWrite(IGNORE_DROPPED_ERRORS)
                .toFuture();
        Exchange exchange = new Exchange(call, response);
        response.whenComplete((answer, failure) -> {
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

        private Exchange(InFlightConnections.Call call, CompletableFuture<ByteBodyHttpResponse<?>> response) {
            this.call = call;
            this.response = response;
        }

        CompletableFuture<ByteBodyHttpResponse<?>> response() {
            return response;
        }

        /** Gives the exchange up: the try in flight, or the body being read; its connection is closed. */
        void abandon() {
            call.abandon();
            response.cancel(true);
        }

        /** Puts an answer aside unread (a status to retry): its connection goes back to the pool. */
        void discard(HttpResponse<?> answer) {
            ((ByteBodyHttpResponse<?>) answer).close();
            call.finish();
        }

        /** The answer's body as it is read. Cancelling or failing it abandons the exchange; reading it to the end finishes it. */
        Flux<byte[]> body(ByteBodyHttpResponse<?> answer) {
            return body(answer, UnaryOperator.identity());
        }

        /**
         * The answer's body as it is read, with {@code limits} (timeouts, error mapping) applied inside the exchange,
         * so that a failure they raise abandons it too, and errors reported after it was given up stay quiet.
         */
        Flux<byte[]> body(ByteBodyHttpResponse<?> answer, UnaryOperator<Flux<byte[]>> limits) {
            return Flux.from(answer.byteBody().toByteArrayPublisher())
                    .transform(limits)
                    .doOnCancel(call::abandon)
                    .doOnError(failure -> call.abandon())
                    .doOnComplete(call::finish)
                    .contextWrite(IGNORE_DROPPED_ERRORS);
        }
    }
}
