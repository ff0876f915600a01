package io.keyway.http;

import io.keyway.application.CompletionBody;
import io.keyway.application.Outcome;
import io.keyway.application.Refusal;
import io.keyway.application.RouteCompletion;
import io.keyway.domain.completion.Endpoint;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Post;

import reactor.core.publisher.Mono;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The OpenAI endpoints routed by model. They run on the event loop: a request whose key is in memory is authenticated,
 * routed and relayed without a thread hop; only a key lookup that misses goes to the blocking executor (inside the
 * vault).
 */
@Controller("/v1")
class CompletionsController {
    /** Client headers that are passed upstream: OpenRouter's app attribution. */
    private static final List<String> FORWARDED = List.of("HTTP-Referer", "X-Title");

    private final RouteCompletion routeCompletion;
    private final UpstreamRelay relay;

    CompletionsController(RouteCompletion routeCompletion, UpstreamRelay relay) {
        this.routeCompletion = routeCompletion;
        this.relay = relay;
    }

    @Post(uri = "/chat/completions", consumes = MediaType.ALL, produces = {MediaType.APPLICATION_JSON, MediaType.TEXT_EVENT_STREAM})
    Mono<HttpResponse<?>> chatCompletions(HttpRequest<?> request, @Nullable @Body byte[] body) {
        return route(Endpoint.CHAT_COMPLETIONS, request, body);
    }

    @Post(uri = "/completions", consumes = MediaType.ALL, produces = {MediaType.APPLICATION_JSON, MediaType.TEXT_EVENT_STREAM})
    Mono<HttpResponse<?>> completions(HttpRequest<?> request, @Nullable @Body byte[] body) {
        return route(Endpoint.COMPLETIONS, request, body);
    }

    @Post(uri = "/embeddings", consumes = MediaType.ALL, produces = MediaType.APPLICATION_JSON)
    Mono<HttpResponse<?>> embeddings(HttpRequest<?> request, @Nullable @Body byte[] body) {
        return route(Endpoint.EMBEDDINGS, request, body);
    }

    @Post(uri = "/responses", consumes = MediaType.ALL, produces = {MediaType.APPLICATION_JSON, MediaType.TEXT_EVENT_STREAM})
    Mono<HttpResponse<?>> responses(HttpRequest<?> request, @Nullable @Body byte[] body) {
        return route(Endpoint.RESPONSES, request, body);
    }

    private Mono<HttpResponse<?>> route(Endpoint endpoint, HttpRequest<?> request, byte[] body) {
        String requestId = RequestIds.of(request);
        Map<String, String> forwarded = new LinkedHashMap<>();
        for (String name : FORWARDED) {
            String value = request.getHeaders().get(name);
            if (value != null) {
                forwarded.put(name, value);
            }
        }
        RouteCompletion.Command command = new RouteCompletion.Command(Bearer.token(request.getHeaders().get(HttpHeaders.AUTHORIZATION)),
                endpoint, completionBody(request, body), requestId, forwarded);
        CompletableFuture<Outcome<RouteCompletion.Sent>> routed = routeCompletion.route(command).toCompletableFuture();
        AtomicBoolean givenUp = new AtomicBoolean();
        // A client that leaves while its key is being looked up: the call that starts afterwards is given up at once.
        routed.thenAccept(outcome -> outcome.fold(sent -> givenUp.get() && sent.reply().toCompletableFuture().cancel(true), refusal -> false));
        Mono<HttpResponse<?>> response = Mono.fromFuture(routed, true).flatMap(outcome -> outcome.fold(
                // Cancelling this publisher (the client went away) cancels the call upstream: the try in flight
                // before the answer, the body after it.
                sent -> {
                    RequestIds.describe(request, "key=" + sent.keyId() + " model=" + sent.model() + " upstream=" + sent.upstream(), sent.upstream());
                    return Mono.fromCompletionStage(sent.reply())
                            .flatMap(reply -> relay.relay(reply, sent.upstream(), requestId, RequestIds.startedAt(request)));
                },
                refusal -> Mono.just(RefusalResponses.of(refusal))));
        return ClientDisconnects.giveUpWhenGone(request, requestId, response.doOnCancel(() -> givenUp.set(true)));
    }

    private static Outcome<CompletionBody> completionBody(HttpRequest<?> request, byte[] body) {
        try {
            JsonBodies.requireJsonContentType(request);
            return Outcome.done(JsonCompletionBody.parse(body));
        } catch (BadRequest bad) {
            return Outcome.refused(new Refusal.InvalidRequest(bad.getMessage(), bad.param()));
        }
    }

}
