package io.keyway.http;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.keyway.application.CompletionBody;
import io.keyway.application.Outcome;
import io.keyway.application.Refusal;
import io.keyway.application.Authenticator;
import io.keyway.application.RouteCompletion;
import io.keyway.http.relay.Relay;
import io.keyway.http.relay.RelayedRequest;
import io.keyway.domain.completion.Endpoint;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.ServerHttpRequest;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.body.CloseableByteBody;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The OpenAI endpoints routed by model. They run on the event loop: a request whose key is in memory is authenticated,
 * routed and relayed without a thread hop; only a key lookup that misses goes to the blocking executor (inside the
 * vault).
 */
@Controller("/v1")
@Tag(name = "OpenAI")
@SecurityRequirement(name = ApiDocs.GATEWAY_KEY)
@ApiResponse(responseCode = "400", ref = ApiDocs.NOT_A_COMPLETION_ANSWER)
@ApiResponse(responseCode = "401", ref = ApiDocs.UNAUTHENTICATED_ANSWER)
@ApiResponse(responseCode = "403", ref = ApiDocs.PROVIDER_KEY_MISSING_ANSWER)
@ApiResponse(responseCode = "404", ref = ApiDocs.MODEL_NOT_FOUND_ANSWER)
@ApiResponse(responseCode = "413", ref = ApiDocs.TOO_LARGE_ANSWER)
@ApiResponse(responseCode = "429", ref = ApiDocs.OVER_A_LIMIT_ANSWER)
@ApiResponse(responseCode = "502", ref = ApiDocs.UPSTREAM_FAILED_ANSWER)
@ApiResponse(responseCode = "503", ref = ApiDocs.KEY_STORE_UNAVAILABLE_ANSWER)
@ApiResponse(responseCode = "504", ref = ApiDocs.UPSTREAM_TIMEOUT_ANSWER)
class CompletionsController {
    /** Client headers that are passed upstream: OpenRouter's app attribution. */
    private static final List<String> FORWARDED = List.of("HTTP-Referer", "X-Title");

    private final RouteCompletion routeCompletion;
    private final Relay relay;

    CompletionsController(RouteCompletion routeCompletion, Relay relay) {
        this.routeCompletion = routeCompletion;
        this.relay = relay;
    }

    @Operation(summary = "Chat completion",
            description = "OpenAI's POST /v1/chat/completions, routed by model.",
            responses = {
        @ApiResponse(responseCode = "200", description = ApiDocs.ROUTED_ANSWER,
                content = {@Content(mediaType = ApiDocs.JSON, examples = @ExampleObject(value = ApiDocs.CHAT_ANSWER)),
                        @Content(mediaType = ApiDocs.SSE, examples = @ExampleObject(value = ApiDocs.CHAT_STREAM))})
    })
    @io.swagger.v3.oas.annotations.parameters.RequestBody(description = ApiDocs.ROUTED_REQUEST, required = true,
            content = @Content(mediaType = ApiDocs.JSON, examples = @ExampleObject(value = ApiDocs.CHAT_REQUEST)))
    @Post(uri = "/chat/completions", consumes = MediaType.ALL, produces = {MediaType.APPLICATION_JSON, MediaType.TEXT_EVENT_STREAM})
    CompletableFuture<HttpResponse<?>> chatCompletions(HttpRequest<?> request, @Parameter(hidden = true) @Nullable @Body ReceivedBody body) {
        return route(Endpoint.CHAT_COMPLETIONS, request, ReceivedBody.take(body));
    }

    @Operation(summary = "Text completion",
            description = "OpenAI's legacy POST /v1/completions, routed by model.",
            responses = {
        @ApiResponse(responseCode = "200", description = ApiDocs.ROUTED_ANSWER,
                content = {@Content(mediaType = ApiDocs.JSON, examples = @ExampleObject(value = ApiDocs.COMPLETION_ANSWER)),
                        @Content(mediaType = ApiDocs.SSE, examples = @ExampleObject(value = ApiDocs.CHAT_STREAM))})
    })
    @io.swagger.v3.oas.annotations.parameters.RequestBody(description = ApiDocs.ROUTED_REQUEST, required = true,
            content = @Content(mediaType = ApiDocs.JSON, examples = @ExampleObject(value = ApiDocs.COMPLETION_REQUEST)))
    @Post(uri = "/completions", consumes = MediaType.ALL, produces = {MediaType.APPLICATION_JSON, MediaType.TEXT_EVENT_STREAM})
    CompletableFuture<HttpResponse<?>> completions(HttpRequest<?> request, @Parameter(hidden = true) @Nullable @Body ReceivedBody body) {
        return route(Endpoint.COMPLETIONS, request, ReceivedBody.take(body));
    }

    @Operation(summary = "Embeddings",
            description = "OpenAI's POST /v1/embeddings, routed by model.",
            responses = {
        @ApiResponse(responseCode = "200", description = ApiDocs.ROUTED_ANSWER,
                content = {@Content(mediaType = ApiDocs.JSON, examples = @ExampleObject(value = ApiDocs.EMBEDDING_ANSWER))})
    })
    @io.swagger.v3.oas.annotations.parameters.RequestBody(description = ApiDocs.ROUTED_REQUEST, required = true,
            content = @Content(mediaType = ApiDocs.JSON, examples = @ExampleObject(value = ApiDocs.EMBEDDING_REQUEST)))
    @Post(uri = "/embeddings", consumes = MediaType.ALL, produces = MediaType.APPLICATION_JSON)
    CompletableFuture<HttpResponse<?>> embeddings(HttpRequest<?> request, @Parameter(hidden = true) @Nullable @Body ReceivedBody body) {
        return route(Endpoint.EMBEDDINGS, request, ReceivedBody.take(body));
    }

    @Operation(summary = "Responses",
            description = "OpenAI's POST /v1/responses, routed by model.",
            responses = {
        @ApiResponse(responseCode = "200", description = ApiDocs.ROUTED_ANSWER,
                content = {@Content(mediaType = ApiDocs.JSON, examples = @ExampleObject(value = ApiDocs.RESPONSES_ANSWER)),
                        @Content(mediaType = ApiDocs.SSE, examples = @ExampleObject(value = ApiDocs.CHAT_STREAM))})
    })
    @io.swagger.v3.oas.annotations.parameters.RequestBody(description = ApiDocs.ROUTED_REQUEST, required = true,
            content = @Content(mediaType = ApiDocs.JSON, examples = @ExampleObject(value = ApiDocs.RESPONSES_REQUEST)))
    @Post(uri = "/responses", consumes = MediaType.ALL, produces = {MediaType.APPLICATION_JSON, MediaType.TEXT_EVENT_STREAM})
    CompletableFuture<HttpResponse<?>> responses(HttpRequest<?> request, @Parameter(hidden = true) @Nullable @Body ReceivedBody body) {
        return route(Endpoint.RESPONSES, request, ReceivedBody.take(body));
    }

    /**
     * The client's response, as a future rather than a publisher: a request passes no Reactor operator until its
     * body does (the ten per request that a {@code Mono} chain took showed in profiles of the hot path). The request
     * is handed to the relay room, which is told each step of its routing and decides how it ends.
     */
    private CompletableFuture<HttpResponse<?>> route(Endpoint endpoint, HttpRequest<?> request, byte[] body) {
        releaseTheRequestsOwnBody(request);
        String requestId = RequestIds.of(request);
        Map<String, String> forwarded = new LinkedHashMap<>();
        for (String name : FORWARDED) {
            String value = request.getHeaders().get(name);
            if (value != null) {
                forwarded.put(name, value);
            }
        }
        Authenticator.GatewayCaller caller = request.getAttribute(KeysBeforeBodies.CALLER, Authenticator.GatewayCaller.class).orElse(null);
        RouteCompletion.Command command = new RouteCompletion.Command(Bearer.token(request.getHeaders().get(HttpHeaders.AUTHORIZATION)),
                endpoint, completionBody(request, body), requestId, forwarded, caller);
        RelayedRequest relayed = relay.open(request, requestId, RequestIds.startedAt(request));
        routeCompletion.route(command, relayed);
        return relayed.response();
    }

    /**
     * Lets the request's own body go once the bound copy is taken. Micronaut binds a split of the body and keeps the
     * request's (in Netty's buffers, off the heap) until the response ends: for a stream, as long as it runs. Closing
     * it is what Micronaut does at that end; a second close does nothing.
     */
    private static void releaseTheRequestsOwnBody(HttpRequest<?> request) {
        if (request instanceof ServerHttpRequest<?> received && received.byteBody() instanceof CloseableByteBody own) {
            own.close();
        }
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
