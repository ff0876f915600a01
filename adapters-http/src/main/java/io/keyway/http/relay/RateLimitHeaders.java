package io.keyway.http.relay;

import io.keyway.domain.port.LimitCounters;
import io.micronaut.http.MutableHttpResponse;

/**
 * The headers OpenAI's SDKs read, on every answer of a key with limits: {@code x-ratelimit-limit-requests},
 * {@code -remaining-requests}, {@code -reset-requests} and the {@code -tokens} ones, resets written as OpenAI
 * writes them ({@code 1m30s}, {@code 12s}); a cost budget as {@code x-keyway-budget-limit} and {@code -remaining}.
 */
final class RateLimitHeaders {
    private RateLimitHeaders() {
    }

    static void add(MutableHttpResponse<?> response, LimitCounters.Admission admission) {
        if (admission == null) {
            return;
        }
        put(response, "requests", admission.requests());
        put(response, "tokens", admission.tokens());
        if (admission.cost() != null) {
            response.header("x-keyway-budget-limit", admission.cost().limit());
            response.header("x-keyway-budget-remaining", admission.cost().remaining());
            response.header("x-keyway-budget-reset", duration(admission.cost().resetSeconds()));
        }
    }

    private static void put(MutableHttpResponse<?> response, String kind, LimitCounters.Status status) {
        if (status != null) {
            response.header("x-ratelimit-limit-" + kind, status.limit());
            response.header("x-ratelimit-remaining-" + kind, status.remaining());
            response.header("x-ratelimit-reset-" + kind, duration(status.resetSeconds()));
        }
    }

    /** 3725 → {@code 1h2m5s}, 42 → {@code 42s}. */
    static String duration(long seconds) {
        StringBuilder text = new StringBuilder();
        long days = seconds / 86_400;
        long hours = seconds % 86_400 / 3600;
        long minutes = seconds % 3600 / 60;
        long rest = seconds % 60;
        if (days > 0) {
            text.append(days).append('d');
        }
        if (hours > 0) {
            text.append(hours).append('h');
        }
        if (minutes > 0) {
            text.append(minutes).append('m');
        }
        if (rest > 0 || text.length() == 0) {
            text.append(rest).append('s');
        }
        return text.toString();
    }
}
