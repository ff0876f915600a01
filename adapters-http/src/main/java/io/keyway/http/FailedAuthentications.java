package io.keyway.http;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ResponseFilter;
import io.micronaut.http.annotation.ServerFilter;

import io.keyway.domain.audit.SecurityEvents;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Slows down guessing: a client address whose requests failed authentication more than
 * {@code keyway.auth-failures.per-minute} times (default 20) within a minute gets 429
 * {@code too_many_failed_attempts} with {@code Retry-After} on every API call until that minute is over, before any key
 * is parsed or looked up. A failure is any 401 but an expired key's (whose holder proved the secret). The address is
 * the connection's peer, or, behind the operator's trusted proxies, the client they name in
 * {@code keyway.auth-failures.client-address-header} ({@link ClientAddresses}: never a value the client wrote). The
 * table holds at most 100,000 addresses of at most 45 characters each, whatever the input. The failure that starts a
 * lockout is put on the audit trail once ({@link SecurityEvents#lockedOut}), for the accounts whose keys were tried.
 * <p>
 * The filter matches every path and checks the prefix itself: one filter with a path pattern makes Micronaut match
 * every filter against every request's path (Ant patterns tokenized per request, ~4% of the event loop's samples).
 */
@ServerFilter(ServerFilter.MATCH_ALL_PATTERN)
@io.micronaut.core.annotation.Order(-50)
final class FailedAuthentications {
    static final Duration WINDOW = Duration.ofMinutes(1);

    /** One address's failures in the window that its first failure opened. */
    private static final class Window {
        final long openedAt = System.nanoTime();
        final AtomicInteger failures = new AtomicInteger();
        /** The public ids of the keys tried (at most 8), naming the accounts a lockout concerns. */
        final Set<String> keyIds = ConcurrentHashMap.newKeySet();

        long remainingNanos() {
            return WINDOW.toNanos() - (System.nanoTime() - openedAt);
        }
    }

    private final int limit;
    private final ClientAddresses addresses;
    private final GatewayMeters meters;
    private final SecurityEvents events;
    private final Cache<String, Window> windows = Caffeine.newBuilder()
            // Read on every request: maintenance on the calling thread, as in KeyRecordCache, never a ForkJoinPool
            // thread woken on the event loop's core.
            .executor(Runnable::run)
            .maximumSize(100_000)
            .expireAfterWrite(WINDOW)
            .build();

    FailedAuthentications(@Value("${keyway.auth-failures.per-minute:20}") int limit, ClientAddresses addresses, GatewayMeters meters,
                          Optional<SecurityEvents> events) {
        this.limit = limit;
        // None in a server without the persistence adapter (the HTTP adapter's own tests): lockouts go unrecorded.
        this.events = events.orElse(SecurityEvents.NONE);
        this.meters = meters;
        this.addresses = addresses;
    }

    @RequestFilter
    @Nullable
    HttpResponse<?> refuseWhileOverTheLimit(HttpRequest<?> request) {
        if (limit <= 0 || !guarded(request)) {
            return null;
        }
        Window window = windows.getIfPresent(address(request));
        if (window == null || window.failures.get() < limit) {
            return null;
        }
        long remaining = window.remainingNanos();
        if (remaining <= 0) {
            return null;
        }
        long retryAfter = Math.max(1, (remaining + 999_999_999L) / 1_000_000_000L);
        meters.refusedForFailures();
        return OpenAiError.response(429, OpenAiError.RATE_LIMIT, "too_many_failed_attempts", null,
                        "Too many requests from this address failed authentication. Try again in " + retryAfter + " s.")
                .header(HttpHeaders.RETRY_AFTER, Long.toString(retryAfter));
    }

    @ResponseFilter
    void countFailures(HttpRequest<?> request, MutableHttpResponse<?> response) {
        if (response.code() != 401 || expiredKey(response) || !guarded(request)) {
            return;
        }
        meters.failedAuthentication();
        if (limit <= 0) {
            return;
        }
        String address = address(request);
        Window window = windows.asMap().compute(address, (key, current) -> current == null || current.remainingNanos() <= 0 ? new Window() : current);
        String keyId = Bearer.publicKeyId(Bearer.token(request.getHeaders().get(HttpHeaders.AUTHORIZATION)));
        if (keyId != null && window.keyIds.size() < 8) {
            window.keyIds.add(keyId);
        }
        if (window.failures.incrementAndGet() == limit) {
            // The failure that starts the lockout, once per window: on the trail of the accounts whose keys were tried.
            events.lockedOut(address, Set.copyOf(window.keyIds), limit, Instant.now().plusNanos(Math.max(0, window.remainingNanos())));
        }
    }

    /** The API and the operator's endpoints, where keys are presented. */
    private static boolean guarded(HttpRequest<?> request) {
        String path = request.getPath();
        return path.startsWith("/v1/") || path.startsWith("/admin/");
    }

    private static boolean expiredKey(MutableHttpResponse<?> response) {
        Optional<?> body = response.getBody();
        return body.isPresent() && body.get() instanceof OpenAiError error && "expired_api_key".equals(error.error().code());
    }

    private String address(HttpRequest<?> request) {
        return addresses.of(request);
    }
}
