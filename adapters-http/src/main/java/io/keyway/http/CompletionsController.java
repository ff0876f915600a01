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
import io.keyway.application.RecordUsage;
import io.keyway.application.RouteCompletion;
import io.keyway.domain.usage.TokenUsage;
import java.time.Instant;
import io.keyway.domain.completion.Endpoint;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Post;

import io.micronaut.http.body.ByteBody;
import org.reactivestreams.Publisher;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.Disposables;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicReference;
import io.keyway.domain.completion.UpstreamReply;

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
    private final RecordUsage recordUsage;

    CompletionsController(RouteCompletion routeCompletion, UpstreamRelay relay, RecordUsage recordUsage) {
        this.routeCompletion = routeCompletion;
        this.relay = relay;
        this.recordUsage = recordUsage;
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
     * body does (the ten per request that a {@code Mono} chain took showed in profiles of the hot path). If the
     * client goes away first (see {@link ClientDisconnects}), the call upstream is given up: the try in flight before
     * the answer, or the body after it.
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
        Answering answering = new Answering();
        routeCompletion.route(command).whenComplete((outcome, failure) -> {
            try {
                if (failure != null) {
                    answering.response.completeExceptionally(unwrap(failure));
                } else {
                    outcome.fold(sent -> answer(sent, request, requestId, answering),
                            refusal -> answering.response.complete(RefusalResponses.of(refusal)));
                }
            } catch (RuntimeException | Error unexpected) {
                // Never a response left pending: the server's error handling answers for it.
                answering.response.completeExceptionally(unexpected);
            }
        });
        ClientDisconnects.giveUpWhenGone(request, requestId, answering.response, answering::clientGone);
        return answering.response;
    }

    /**
     * One request's response on its way. If its client leaves first, the response is completed with 499 (nginx's
     * "client closed request", for the access line; nobody reads it) and the call upstream is given up, whichever
     * stage it is in.
     */
    private static final class Answering {
        final CompletableFuture<HttpResponse<?>> response = new CompletableFuture<>();
        private volatile boolean gone;
        private volatile Runnable giveUp;

        void clientGone() {
            gone = true;
            if (response.complete(OpenAiError.response(UsageRecording.CLIENT_CLOSED, OpenAiError.INVALID_REQUEST, "client_closed_request", null,
                    "The client closed the connection before the answer."))) {
                Runnable action = giveUp;
                if (action != null) {
                    action.run();
                }
            }
        }

        /** What giving the call up means, once it is under way; run at once if the client has already left. Idempotent. */
        void whenGone(Runnable action) {
            giveUp = action;
            if (gone) {
                action.run();
            }
        }

        /** Completes the response, unless the client has gone. */
        boolean complete(HttpResponse<?> answer) {
            return !gone && response.complete(answer);
        }
    }

    /** Completes the response with the upstream's answer to a call under way, unless the client has gone. */
    private boolean answer(RouteCompletion.Sent sent, HttpRequest<?> request, String requestId, Answering answering) {
        RequestIds.describe(request, "key=" + sent.keyId() + " model=" + sent.model() + " upstream=" + sent.upstream(), sent.upstream());
        long started = RequestIds.startedAt(request);
        UsageRecording usage = new UsageRecording(recordUsage, sent, Instant.now(), started);
        CompletableFuture<UpstreamReply> reply = sent.reply().toCompletableFuture();
        AtomicReference<Disposable> relaying = new AtomicReference<>();
        answering.whenGone(() -> {
            usage.finish(UsageRecording.CLIENT_CLOSED, UsageRecording.CANCELLED, TokenUsage.NONE);
            reply.cancel(true);
            Disposable pending = relaying.getAndSet(Disposables.disposed());
            if (pending != null) {
                pending.dispose();
            }
        });
        reply.whenComplete((upstreamReply, failure) -> {
            if (failure != null) {
                answering.response.completeExceptionally(unwrap(failure));
                return;
            }
            Disposable subscription;
            try {
                subscription = relay.relay(upstreamReply, sent.upstream(), requestId, started, usage).subscribe(answer -> {
                    if (answer instanceof MutableHttpResponse<?> mutable) {
                        RateLimitHeaders.add(mutable, sent.admission());
                    }
                    if (!answering.complete(answer)) {
                        discard(answer);
                    }
                }, relayFailed -> answering.response.completeExceptionally(relayFailed));
            } catch (RuntimeException | Error unexpected) {
                answering.response.completeExceptionally(unexpected);
                return;
            }
            if (!relaying.compareAndSet(null, subscription)) {
                // The client left while the relay began: nobody will read its answer.
                subscription.dispose();
            }
        });
        return true;
    }

    /** An answer made for a client that has gone: its body is given up unread, which gives up the call upstream. */
    private static void discard(HttpResponse<?> answer) {
        Object body = answer.body();
        if (body instanceof ByteBody byteBody) {
            Flux.from(byteBody.toByteArrayPublisher()).take(0).subscribe();
        } else if (body instanceof Publisher<?> publisher) {
            Flux.from(publisher).take(0).subscribe();
        }
    }

    private static Throwable unwrap(Throwable failure) {
        Throwable cause = failure;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
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
