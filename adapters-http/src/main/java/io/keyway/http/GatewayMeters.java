package io.keyway.http;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.inject.Singleton;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Keyway's own meters at the HTTP edge, scraped at {@code /prometheus}. Labels are bounded: the endpoint is one of a
 * fixed list of route names (anything else is {@code other}), the upstream one of the configured upstreams (or
 * {@code none}), the status a class (2xx…5xx). No key id, model name, path or secret is ever a label.
 */
@Singleton
public final class GatewayMeters {
    /** The route names a request can be counted under, most specific first. */
    private static final List<String> ENDPOINTS = List.of("/v1/chat/completions", "/v1/completions", "/v1/embeddings",
            "/v1/responses", "/v1/models", "/v1/key", "/v1/keys", "/v1/management-keys", "/admin", "/console", "/health", "/prometheus");

    private final MeterRegistry registry;
    private final AtomicInteger streamsOpen = new AtomicInteger();
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();
    private final Counter failedAuthentications;
    private final Counter refusedForFailures;

    /** Without a registry in the context (a slice of it, in tests) the meters are kept but not published. */
    public GatewayMeters(Optional<MeterRegistry> published) {
        this.registry = published.orElseGet(SimpleMeterRegistry::new);
        Gauge.builder("keyway.streams.open", streamsOpen, AtomicInteger::get).description("Event streams being relayed now").register(registry);
        this.failedAuthentications = Counter.builder("keyway.auth.failures").description("Requests refused 401 for their key or admin token")
                .register(registry);
        this.refusedForFailures = Counter.builder("keyway.auth.limited").description("Requests refused 429 after too many failed authentications")
                .register(registry);
    }

    /** One request, timed to the start of its response (for a stream, its status line; see {@link #firstEvent}). */
    void request(String path, String upstream, int status, long nanos) {
        String endpoint = endpoint(path);
        String via = upstream == null ? "none" : upstream;
        String statusClass = (status / 100) + "xx";
        // Found by a plain map lookup on the hot path; the registry builds each timer once.
        timers.computeIfAbsent(endpoint + ' ' + via + ' ' + statusClass, key -> Timer.builder("keyway.requests")
                        .description("Requests by endpoint, upstream and status class, to the start of the response")
                        .tag("endpoint", endpoint).tag("upstream", via).tag("status", statusClass)
                        .publishPercentileHistogram().register(registry))
                .record(nanos, TimeUnit.NANOSECONDS);
    }

    /** The time from a streamed request's arrival to the first bytes of its stream relayed. */
    public void firstEvent(String upstream, long nanos) {
        timers.computeIfAbsent("first-event " + upstream, key -> Timer.builder("keyway.stream.first.event")
                        .description("Time from a streamed request's arrival to its first relayed bytes")
                        .tag("upstream", upstream).publishPercentileHistogram().register(registry))
                .record(nanos, TimeUnit.NANOSECONDS);
    }

    public void streamOpened() {
        streamsOpen.incrementAndGet();
    }

    public void streamClosed() {
        streamsOpen.decrementAndGet();
    }

    void failedAuthentication() {
        failedAuthentications.increment();
    }

    void refusedForFailures() {
        refusedForFailures.increment();
    }

    static String endpoint(String path) {
        for (String endpoint : ENDPOINTS) {
            if (path.equals(endpoint) || path.startsWith(endpoint + "/")) {
                return endpoint;
            }
        }
        return "other";
    }
}
