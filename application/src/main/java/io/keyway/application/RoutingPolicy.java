package io.keyway.application;

import java.time.Duration;
import java.util.Map;

/**
 * How many times a request may be tried: at most {@code maxAttempts} in all, and the same deployment again (when no
 * other is available) at most its upstream's {@code retries} times, after a backoff that doubles from {@code backoff}
 * to {@code maxBackoff}. The router is the one retry layer: the HTTP transport below it does not retry.
 */
public record RoutingPolicy(int maxAttempts, Map<String, Integer> retriesByUpstream, Duration backoff, Duration maxBackoff) {
    public static final RoutingPolicy DEFAULT = new RoutingPolicy(3, Map.of(), Duration.ofMillis(50), Duration.ofMillis(400));
    /** Retries of the same deployment for an upstream the policy does not name. */
    static final int DEFAULT_RETRIES = 2;

    public RoutingPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("max-attempts must be at least 1, not " + maxAttempts);
        }
        retriesByUpstream = Map.copyOf(retriesByUpstream);
    }

    int retries(String upstream) {
        return retriesByUpstream.getOrDefault(upstream, DEFAULT_RETRIES);
    }

    Duration backoff(int retry) {
        Duration wait = backoff.multipliedBy(1L << Math.min(retry, 16));
        return wait.compareTo(maxBackoff) > 0 ? maxBackoff : wait;
    }
}
