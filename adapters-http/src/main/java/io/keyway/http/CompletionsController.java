package io.keyway.http;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.keyway.application.CompletionBody;
import io.keyway.application.Outcome;
import io.keyway.application.Refusal;
import io.keyway.application.RouteCompletion;
import io.keyway.http.relay.Relay;
import io.keyway.http.relay.RelayedRequest;
import io.keyway.domain.completion.Endpoint;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Post;


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
class CompletionsController {
    /** Client headers that are passed upstream: OpenRouter's app attribution. */
    private static final List<String> FORWARDED = List.of("HTTP-Referer", "X-Title");

    private final RouteCompletion routeCompletion;
    private final Relay relay;

    CompletionsController(RouteCompletion routeCompletion, Relay relay) {
        this.routeCompletion = routeCompletion;
        this.relay = relay;
    }

    @Operation(summary = "Chat completion", tags = "OpenAI", security = @SecurityRequirement(name = ApiDocs.GATEWAY_KEY), 
            description = "OpenAI's POST /v1/chat/completions, routed by model.",
            responses = {
        @ApiResponse(responseCode = "200", description = "The upstream's answer, relayed byte for byte; with stream true, server-sent events as they arrive.",
                content = {@Content(mediaType = ApiDocs.JSON, examples = @ExampleObject(value = ApiDocs.CHAT_ANSWER)),
                        @Content(mediaType = ApiDocs.SSE, examples = @ExampleObject(value = ApiDocs.CHAT_STREAM))}),
        @ApiResponse(responseCode = "400", description = "Not a JSON object, or no string model (code invalid_request).",
                content = @Content(mediaType = ApiDocs.JSON, schema = @Schema(implementation = OpenAiError.class),
                        examples = @ExampleObject(value = ApiDocs.BAD_REQUEST))),
        @ApiResponse(responseCode = "401", description = "No key, or an unknown, revoked or expired one (code invalid_api_key or expired_api_key).",
                content = @Content(mediaType = ApiDocs.JSON, schema = @Schema(implementation = OpenAiError.class),
                        examples = @ExampleObject(value = ApiDocs.UNAUTHENTICATED))),
        @ApiResponse(responseCode = "403", description = "A model prefixed openrouter- with no OpenRouter key on this gateway key (code provider_key_missing).",
                content = @Content(mediaType = ApiDocs.JSON, schema = @Schema(implementation = OpenAiError.class),
                        examples = @ExampleObject(value = ApiDocs.PROVIDER_KEY_MISSING))),
        @ApiResponse(responseCode = "404", description = "No upstream serves this model (code model_not_found).",
                content = @Content(mediaType = ApiDocs.JSON, schema = @Schema(implementation = OpenAiError.class),
                        examples = @ExampleObject(value = ApiDocs.MODEL_NOT_FOUND))),
        @ApiResponse(responseCode = "413", description = "The body is larger than KEYWAY_MAX_REQUEST_SIZE (code request_too_large).",
                content = @Content(mediaType = ApiDocs.JSON, schema = @Schema(implementation = OpenAiError.class),
                        examples = @ExampleObject(value = ApiDocs.TOO_LARGE))),
        @ApiResponse(responseCode = "429", description = "The key is over one of its limits (code rate_limit_exceeded, or budget_exceeded for cost), or too many failed authentications from this address (too_many_failed_attempts); with Retry-After, and x-ratelimit-* headers for a limited key.",
                content = @Content(mediaType = ApiDocs.JSON, schema = @Schema(implementation = OpenAiError.class),
                        examples = @ExampleObject(value = ApiDocs.TOO_MANY))),
        @ApiResponse(responseCode = "502", description = "The upstream could not be reached or answered with a failure of its own (type upstream_error, provider named); an upstream's own 4xx errors are relayed with their status.",
                content = @Content(mediaType = ApiDocs.JSON, schema = @Schema(implementation = OpenAiError.class),
                        examples = @ExampleObject(value = ApiDocs.UPSTREAM_FAILED))),
        @ApiResponse(responseCode = "503", description = "The key store is unreachable and the key is not in memory (code database_unavailable), with Retry-After.",
                content = @Content(mediaType = ApiDocs.JSON, schema = @Schema(implementation = OpenAiError.class),
                        examples = @ExampleObject(value = ApiDocs.DATABASE_UNAVAILABLE))),
        @ApiResponse(responseCode = "504", description = "The upstream did not answer in time (code upstream_timeout).",
                content = @Content(mediaType = ApiDocs.JSON, schema = @Schema(implementation = OpenAiError.class),
                        examples = @ExampleObject(value = ApiDocs.UPSTREAM_FAILED)))
    })
    @io.swagger.v3.oas.annotations.parameters.RequestBody(description = "The OpenAI request; only model is read, and the prefix openrouter- is removed before it goes upstream.", required = true,
            content = @Content(mediaType = ApiDocs.JSON, examples = @ExampleObject(value = ApiDocs.CHAT_REQUEST)))
    @Post(uri = "/chat/completions", consumes = MediaType.ALL, produces = {MediaType.APPLICATION_JSON, MediaType.TEXT_EVENT_STREAM})
    CompletableFuture<HttpResponse<?>> chatCompletions(HttpRequest<?> request, @Parameter(hidden = true) @Nullable @Body byte[] body) {
        return route(Endpoint.CHAT_COMPLETIONS, request, body);
    }

    @Operation(summary = "Text completion", tags = "OpenAI", security = @SecurityRequirement(name = ApiDocs.GATEWAY_KEY), 
            description = "OpenAI's legacy POST /v1/completions, routed by model.",
            responses = {
        @ApiResponse(responseCode = "200", description = "The upstream's answer, relayed byte for byte; with stream true, server-sent events as they arrive.",
                content = {@Content(mediaType = ApiDocs.JSON, examples = @ExampleObject(value = ApiDocs.COMPLETION_ANSWER)),
                        @Content(mediaType = ApiDocs.SSE, examples = @ExampleObject(value = ApiDocs.CHAT_STREAM))}),
        @ApiResponse(responseCode = "400", description = "Not a JSON object, or no string model (code invalid_request).",
                content = @Content(mediaType = ApiDocs.JSON, schema = @Schema(implementation = OpenAiError.class),
                        examples = @ExampleObject(value = ApiDocs.BAD_REQUEST))),
        @ApiResponse(responseCode = "401", description = "No key, or an unknown, revoked or expired one (code invalid_api_key or expired_api_key).",
                content = @Content(mediaType = ApiDocs.JSON, schema = @Schema(implementation = OpenAiError.class),
                        examples = @ExampleObject(value = ApiDocs.UNAUTHENTICATED))),
        @ApiResponse(responseCode = "403", description = "A model prefixed openrouter- with no OpenRouter key on this gateway key (code provider_key_missing).",
                content = @Content(mediaType = ApiDocs.JSON, schema = @Schema(implementation = OpenAiError.class),
                        examples = @ExampleObject(value = ApiDocs.PROVIDER_KEY_MISSING))),
        @ApiResponse(responseCode = "404", description = "No upstream serves this model (code model_not_found).",
                content = @Content(mediaType = ApiDocs.JSON, schema = @Schema(implementation = OpenAiError.class),
                        examples = @ExampleObject(value = ApiDocs.MODEL_NOT_FOUND))),
        @ApiResponse(responseCode = "413", description = "The body is larger than KEYWAY_MAX_REQUEST_SIZE (code request_too_large).",
                content = @Content(mediaType = ApiDocs.JSON, schema = @Schema(implementation = OpenAiError.class),
                        examples = @ExampleObject(value = ApiDocs.TOO_LARGE))),
        @ApiResponse(responseCode = "429", description = "The key is over one of its limits (code rate_limit_exceeded, or budget_exceeded for cost), or too many failed authentications from this address (too_many_failed_attempts); with Retry-After, and x-ratelimit-* headers for a limited key.",
                content = @Content(mediaType = ApiDocs.JSON, schema = @Schema(implementation = OpenAiError.class),
                        examples = @ExampleObject(value = ApiDocs.TOO_MANY))),
        @ApiResponse(responseCode = "502", description = "The upstream could not be reached or answered with a failure of its own (type upstream_error, provider named); an upstream's own 4xx errors are relayed with their status.",
                content = @Content(mediaType = ApiDocs.JSON, schema = @Schema(implementation = OpenAiError.class),
                        examples = @ExampleObject(value = ApiDocs.UPSTREAM_FAILED))),
        @ApiResponse(responseCode = "503", description = "The key store is unreachable and the key is not in memory (code database_unavailable), with Retry-After.",
                content = @Content(mediaType = ApiDocs.JSON, schema = @Schema(implementation = OpenAiError.class),
                        examples = @ExampleObject(value = ApiDocs.DATABASE_UNAVAILABLE))),
        @ApiResponse(responseCode = "504", description = "The upstream did not answer in time (code upstream_timeout).",
                content = @Content(mediaType = ApiDocs.JSON, schema = @Schema(implementation = OpenAiError.class),
                        examples = @ExampleObject(value = ApiDocs.UPSTREAM_FAILED)))
    })
    @io.swagger.v3.oas.annotations.parameters.RequestBody(description = "The OpenAI request; only model is read, and the prefix openrouter- is removed before it goes upstream.", required = true,
            content = @Content(mediaType = ApiDocs.JSON, examples = @ExampleObject(value = ApiDocs.COMPLETION_REQUEST)))
    @Post(uri = "/completions", consumes = MediaType.ALL, produces = {MediaType.APPLICATION_JSON, MediaType.TEXT_EVENT_STREAM})
    CompletableFuture<HttpResponse<?>> completions(HttpRequest<?> request, @Parameter(hidden = true) @Nullable @Body byte[] body) {
        return route(Endpoint.COMPLETIONS, request, body);
    }

    @Operation(summary = "Embeddings", tags = "OpenAI", security = @SecurityRequirement(name = ApiDocs.GATEWAY_KEY), 
            description = "OpenAI's POST /v1/embeddings, routed by model.",
            responses = {
        @ApiResponse(responseCode = "200", description = "The upstream's answer, relayed byte for byte; with stream true, server-sent events as they arrive.",
                content = {@Content(mediaType = ApiDocs.JSON, examples = @ExampleObject(value = ApiDocs.EMBEDDING_ANSWER))}),
        @ApiResponse(responseCode = "400", description = "Not a JSON object, or no string model (code invalid_request).",
                content = @Content(mediaType = ApiDocs.JSON, schema = @Schema(implementation = OpenAiError.class),
                        examples = @ExampleObject(value = ApiDocs.BAD_REQUEST))),
        @ApiResponse(responseCode = "401", description = "No key, or an unknown, revoked or expired one (code invalid_api_key or expired_api_key).",
                content = @Content(mediaType = ApiDocs.JSON, schema = @Schema(implementation = OpenAiError.class),
                        examples = @ExampleObject(value = ApiDocs.UNAUTHENTICATED))),
        @ApiResponse(responseCode = "403", description = "A model prefixed openrouter- with no OpenRouter key on this gateway key (code provider_key_missing).",
                content = @Content(mediaType = ApiDocs.JSON, schema = @Schema(implementation = OpenAiError.class),
                        examples = @ExampleObject(value = ApiDocs.PROVIDER_KEY_MISSING))),
        @ApiResponse(responseCode = "404", description = "No upstream serves this model (code model_not_found).",
                content = @Content(mediaType = ApiDocs.JSON, schema = @Schema(implementation = OpenAiError.class),
                        examples = @ExampleObject(value = ApiDocs.MODEL_NOT_FOUND))),
        @ApiResponse(responseCode = "413", description = "The body is larger than KEYWAY_MAX_REQUEST_SIZE (code request_too_large).",
                content = @Content(mediaType = ApiDocs.JSON, schema = @Schema(implementation = OpenAiError.class),
                        examples = @ExampleObject(value = ApiDocs.TOO_LARGE))),
        @ApiResponse(responseCode = "429", description = "The key is over one of its limits (code rate_limit_exceeded, or budget_exceeded for cost), or too many failed authentications from this address (too_many_failed_attempts); with Retry-After, and x-ratelimit-* headers for a limited key.",
                content = @Content(mediaType = ApiDocs.JSON, schema = @Schema(implementation = OpenAiError.class),
                        examples = @ExampleObject(value = ApiDocs.TOO_MANY))),
        @ApiResponse(responseCode = "502", description = "The upstream could not be reached or answered with a failure of its own (type upstream_error, provider named); an upstream's own 4xx errors are relayed with their status.",
                content = @Content(mediaType = ApiDocs.JSON, schema = @Schema(implementation = OpenAiError.class),
                        examples = @ExampleObject(value = ApiDocs.UPSTREAM_FAILED))),
        @ApiResponse(responseCode = "503", description = "The key store is unreachable and the key is not in memory (code database_unavailable), with Retry-After.",
                content = @Content(mediaType = ApiDocs.JSON, schema = @Schema(implementation = OpenAiError.class),
                        examples = @ExampleObject(value = ApiDocs.DATABASE_UNAVAILABLE))),
        @ApiResponse(responseCode = "504", description = "The upstream did not answer in time (code upstream_timeout).",
                content = @Content(mediaType = ApiDocs.JSON, schema = @Schema(implementation = OpenAiError.class),
                        examples = @ExampleObject(value = ApiDocs.UPSTREAM_FAILED)))
    })
    @io.swagger.v3.oas.annotations.parameters.RequestBody(description = "The OpenAI request; only model is read, and the prefix openrouter- is removed before it goes upstream.", required = true,
            content = @Content(mediaType = ApiDocs.JSON, examples = @ExampleObject(value = ApiDocs.EMBEDDING_REQUEST)))
    @Post(uri = "/embeddings", consumes = MediaType.ALL, produces = MediaType.APPLICATION_JSON)
    CompletableFuture<HttpResponse<?>> embeddings(HttpRequest<?> request, @Parameter(hidden = true) @Nullable @Body byte[] body) {
        return route(Endpoint.EMBEDDINGS, request, body);
    }

    @Operation(summary = "Responses", tags = "OpenAI", security = @SecurityRequirement(name = ApiDocs.GATEWAY_KEY), 
            description = "OpenAI's POST /v1/responses, routed by model.",
            responses = {
        @ApiResponse(responseCode = "200", description = "The upstream's answer, relayed byte for byte; with stream true, server-sent events as they arrive.",
                content = {@Content(mediaType = ApiDocs.JSON, examples = @ExampleObject(value = ApiDocs.RESPONSES_ANSWER)),
                        @Content(mediaType = ApiDocs.SSE, examples = @ExampleObject(value = ApiDocs.CHAT_STREAM))}),
        @ApiResponse(responseCode = "400", description = "Not a JSON object, or no string model (code invalid_request).",
                content = @Content(mediaType = ApiDocs.JSON, schema = @Schema(implementation = OpenAiError.class),
                        examples = @ExampleObject(value = ApiDocs.BAD_REQUEST))),
        @ApiResponse(responseCode = "401", description = "No key, or an unknown, revoked or expired one (code invalid_api_key or expired_api_key).",
                content = @Content(mediaType = ApiDocs.JSON, schema = @Schema(implementation = OpenAiError.class),
                        examples = @ExampleObject(value = ApiDocs.UNAUTHENTICATED))),
        @ApiResponse(responseCode = "403", description = "A model prefixed openrouter- with no OpenRouter key on this gateway key (code provider_key_missing).",
                content = @Content(mediaType = ApiDocs.JSON, schema = @Schema(implementation = OpenAiError.class),
                        examples = @ExampleObject(value = ApiDocs.PROVIDER_KEY_MISSING))),
        @ApiResponse(responseCode = "404", description = "No upstream serves this model (code model_not_found).",
                content = @Content(mediaType = ApiDocs.JSON, schema = @Schema(implementation = OpenAiError.class),
                        examples = @ExampleObject(value = ApiDocs.MODEL_NOT_FOUND))),
        @ApiResponse(responseCode = "413", description = "The body is larger than KEYWAY_MAX_REQUEST_SIZE (code request_too_large).",
                content = @Content(mediaType = ApiDocs.JSON, schema = @Schema(implementation = OpenAiError.class),
                        examples = @ExampleObject(value = ApiDocs.TOO_LARGE))),
        @ApiResponse(responseCode = "429", description = "The key is over one of its limits (code rate_limit_exceeded, or budget_exceeded for cost), or too many failed authentications from this address (too_many_failed_attempts); with Retry-After, and x-ratelimit-* headers for a limited key.",
                content = @Content(mediaType = ApiDocs.JSON, schema = @Schema(implementation = OpenAiError.class),
                        examples = @ExampleObject(value = ApiDocs.TOO_MANY))),
        @ApiResponse(responseCode = "502", description = "The upstream could not be reached or answered with a failure of its own (type upstream_error, provider named); an upstream's own 4xx errors are relayed with their status.",
                content = @Content(mediaType = ApiDocs.JSON, schema = @Schema(implementation = OpenAiError.class),
                        examples = @ExampleObject(value = ApiDocs.UPSTREAM_FAILED))),
        @ApiResponse(responseCode = "503", description = "The key store is unreachable and the key is not in memory (code database_unavailable), with Retry-After.",
                content = @Content(mediaType = ApiDocs.JSON, schema = @Schema(implementation = OpenAiError.class),
                        examples = @ExampleObject(value = ApiDocs.DATABASE_UNAVAILABLE))),
        @ApiResponse(responseCode = "504", description = "The upstream did not answer in time (code upstream_timeout).",
                content = @Content(mediaType = ApiDocs.JSON, schema = @Schema(implementation = OpenAiError.class),
                        examples = @ExampleObject(value = ApiDocs.UPSTREAM_FAILED)))
    })
    @io.swagger.v3.oas.annotations.parameters.RequestBody(description = "The OpenAI request; only model is read, and the prefix openrouter- is removed before it goes upstream.", required = true,
            content = @Content(mediaType = ApiDocs.JSON, examples = @ExampleObject(value = ApiDocs.RESPONSES_REQUEST)))
    @Post(uri = "/responses", consumes = MediaType.ALL, produces = {MediaType.APPLICATION_JSON, MediaType.TEXT_EVENT_STREAM})
    CompletableFuture<HttpResponse<?>> responses(HttpRequest<?> request, @Parameter(hidden = true) @Nullable @Body byte[] body) {
        return route(Endpoint.RESPONSES, request, body);
    }

    /**
     * The client's response, as a future rather than a publisher: a request passes no Reactor operator until its
     * body does (the ten per request that a {@code Mono} chain took showed in profiles of the hot path). The request
     * is handed to the relay room, which is told each step of its routing and decides how it ends.
     */
    private CompletableFuture<HttpResponse<?>> route(Endpoint endpoint, HttpRequest<?> request, byte[] body) {
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
        RelayedRequest relayed = relay.open(request, requestId, RequestIds.startedAt(request));
        routeCompletion.route(command, relayed);
        return relayed.response();
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
