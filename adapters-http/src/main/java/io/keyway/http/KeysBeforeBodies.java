package io.keyway.http;

import io.keyway.application.Authenticator;
import io.keyway.application.Outcome;
import io.keyway.application.Refusal;
import java.util.Optional;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.annotation.Order;
import io.micronaut.context.annotation.Requires;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpMethod;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;

import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * A request body is not read for a key that is known to be bad. A completion request's gateway key is checked here,
 * before its body is bound, whenever that needs no database: missing or malformed (no lookup), or a key whose record
 * (or absence) the key cache holds; refused (401, counted against the address by {@link FailedAuthentications},
 * which runs first) while the body is still on the wire, unread. A key that passes is handed to the controller
 * ({@link #CALLER}), so the secret is derived once per request, as before. A key the cache does not know is looked up
 * while the body is read and checked after it, as before: the one case left. The
 * key-management and admin routes, whose bodies are small JSON objects, refuse a missing or malformed key of the
 * wrong kind the same way and a declared body over {@link #MANAGEMENT_BODY_LIMIT} with 413, before reading it.
 */
@ServerFilter(ServerFilter.MATCH_ALL_PATTERN)
@Order(10)
@Requires(beans = Authenticator.class)
final class KeysBeforeBodies {
    /** The request attribute holding the authenticated gateway key's caller. */
    static final String CALLER = "keyway.gateway-caller";
    /** The largest body a key-management or admin request may declare. */
    static final long MANAGEMENT_BODY_LIMIT = 64 * 1024;
    private static final Set<String> COMPLETIONS = Set.of("/v1/chat/completions", "/v1/completions", "/v1/embeddings", "/v1/responses");

    private final Authenticator authenticator;

    KeysBeforeBodies(Authenticator authenticator) {
        this.authenticator = authenticator;
    }

    private static final CompletableFuture<@Nullable HttpResponse<?>> GO_ON = CompletableFuture.completedFuture(null);

    @RequestFilter
    @Nullable
    CompletableFuture<@Nullable HttpResponse<?>> keyFirst(HttpRequest<?> request) {
        HttpMethod method = request.getMethod();
        if (method != HttpMethod.POST && method != HttpMethod.PUT && method != HttpMethod.PATCH) {
            return GO_ON;
        }
        String path = request.getPath();
        String bearer = Bearer.token(request.getHeaders().get(HttpHeaders.AUTHORIZATION));
        if (COMPLETIONS.contains(path)) {
            CompletableFuture<Outcome<Authenticator.GatewayCaller>> checked = authenticator.gatewayWithoutBlocking(bearer).toCompletableFuture();
            if (!checked.isDone()) {
                // The key's record is not in memory: it is looked up while the body is read, and checked after it, as
                // before. (Micronaut 4.10 answers an empty 503 when a request filter with a body pending completes
                // later than its call; see docs/architecture.md.)
                checked.whenComplete((outcome, failure) -> {
                    if (outcome != null) {
                        outcome.fold(caller -> {
                            caller.key().destroy();
                            return null;
                        }, refusal -> null);
                    }
                });
                return GO_ON;
            }
            return CompletableFuture.completedFuture(checked.join().<@Nullable HttpResponse<?>>fold(caller -> {
                request.setAttribute(CALLER, caller);
                return null;
            }, RefusalResponses::of));
        }
        if (!path.startsWith("/v1/key") && !path.startsWith("/v1/management-keys") && !path.startsWith("/admin/")) {
            return GO_ON;
        }
        if (!path.startsWith("/admin/")) {
            // The kind of key the route takes: /v1/key/... a gateway key, the other management routes a management key.
            boolean gateway = path.equals("/v1/key") || path.startsWith("/v1/key/");
            Optional<Refusal> malformed = authenticator.wellFormed(bearer, gateway);
            if (malformed.isPresent()) {
                return CompletableFuture.completedFuture(RefusalResponses.of(malformed.get()));
            }
        }
        if (request.getContentLength() > MANAGEMENT_BODY_LIMIT) {
            return CompletableFuture.completedFuture(OpenAiError.response(413, OpenAiError.INVALID_REQUEST, "request_too_large", null,
                    "Key-management and admin requests take bodies of at most " + MANAGEMENT_BODY_LIMIT / 1024 + " KB."));
        }
        return GO_ON;
    }
}
