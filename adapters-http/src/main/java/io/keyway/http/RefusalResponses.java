package io.keyway.http;

import io.keyway.application.Outcome;
import io.keyway.application.Refusal;
import io.keyway.domain.port.LimitCounters;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MutableHttpResponse;

import java.util.function.Function;

/** The one place that says which status, type and code each refusal answers with. */
public final class RefusalResponses {
    private RefusalResponses() {
    }

    public static MutableHttpResponse<OpenAiError> of(Refusal refusal) {
        if (refusal instanceof Refusal.Unauthenticated r) {
            return OpenAiError.response(401, OpenAiError.AUTHENTICATION, "invalid_api_key", null, r.message())
                    .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
        }
        if (refusal instanceof Refusal.Expired r) {
            return OpenAiError.response(401, OpenAiError.AUTHENTICATION, "expired_api_key", null, r.message())
                    .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
        }
        if (refusal instanceof Refusal.Conflict r) {
            return OpenAiError.response(409, OpenAiError.INVALID_REQUEST, "key_changed", null, r.message());
        }
        if (refusal instanceof Refusal.WrongKeyKind r) {
            return OpenAiError.response(403, OpenAiError.PERMISSION, "wrong_key_kind", null, r.message());
        }
        if (refusal instanceof Refusal.InvalidRequest r) {
            return OpenAiError.response(400, OpenAiError.INVALID_REQUEST, "invalid_request", r.param(), r.message());
        }
        if (refusal instanceof Refusal.NotFound r) {
            return OpenAiError.response(404, OpenAiError.NOT_FOUND, "not_found", null, r.message());
        }
        if (refusal instanceof Refusal.ModelNotFound r) {
            return OpenAiError.response(404, OpenAiError.INVALID_REQUEST, "model_not_found", "model", r.message());
        }
        if (refusal instanceof Refusal.ProviderKeyMissing r) {
            return OpenAiError.response(403, OpenAiError.PERMISSION, "provider_key_missing", "model", r.message()
                    + " Attach one with PUT /v1/key/provider-keys/" + r.provider() + " {\"api_key\":\"...\"} using this gateway key, or set provider_keys."
                    + r.provider() + " when creating the key.");
        }
        if (refusal instanceof Refusal.ProviderKeyInvalid r) {
            return OpenAiError.response(400, OpenAiError.INVALID_REQUEST, "provider_key_invalid", r.param(), r.message());
        }
        if (refusal instanceof Refusal.ProviderKeyUnreadable r) {
            return OpenAiError.response(500, OpenAiError.SERVER, "provider_key_unreadable", null, r.message()
                    + " Attach it again with PUT /v1/key/provider-keys/" + r.provider() + ".");
        }
        if (refusal instanceof Refusal.UpstreamsCoolingDown r) {
            return OpenAiError.response(503, OpenAiError.UPSTREAM, "upstreams_cooling_down", "model", r.message())
                    .header(HttpHeaders.RETRY_AFTER, Long.toString(r.retryAfterSeconds()));
        }
        if (refusal instanceof Refusal.LimitExceeded r) {
            boolean budget = r.admission().exceeded() == LimitCounters.Exceeded.COST;
            return OpenAiError.response(429, OpenAiError.RATE_LIMIT,
                            budget ? "budget_exceeded" : "rate_limit_exceeded", null, r.message())
                    .header(HttpHeaders.RETRY_AFTER, Long.toString(r.admission().retryAfterSeconds()));
        }
        throw new IllegalStateException("unmapped refusal " + refusal.getClass().getSimpleName());
    }

    /** The response for an outcome: {@code onDone} for a value, the refusal's error otherwise. */
    static <T> HttpResponse<?> respond(Outcome<T> outcome, Function<T, HttpResponse<?>> onDone) {
        return outcome.fold(onDone, RefusalResponses::of);
    }
}
