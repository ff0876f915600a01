package io.keyway.http;

import io.keyway.domain.port.KeyVaultUnavailable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The database is unreachable: 503 {@code database_unavailable} with {@code Retry-After}, at once and without a stack
 * trace, whatever endpoint met it (the per-request key lookup, key management, the admin API).
 */
@Produces
@Singleton
final class KeyVaultUnavailableHandler implements ExceptionHandler<KeyVaultUnavailable, HttpResponse<?>> {
    private static final Logger LOG = LoggerFactory.getLogger(KeyVaultUnavailableHandler.class);

    @Override
    public HttpResponse<?> handle(HttpRequest request, KeyVaultUnavailable unavailable) {
        Throwable cause = unavailable.getCause();
        LOG.warn("request_id={} {} {} -> 503: the database cannot be reached ({})", RequestIds.of(request), request.getMethodName(),
                request.getPath(), cause == null ? "no cause" : cause.getClass().getSimpleName());
        return OpenAiError.response(503, OpenAiError.SERVER, "database_unavailable", null,
                        "Keyway's database cannot be reached right now; try again shortly.")
                .header("Retry-After", "1");
    }
}
