package io.keyway.openai;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * How to reach one OpenAI-compatible upstream.
 *
 * @param name           the name routes use
 * @param baseUrl        e.g. {@code https://openrouter.ai/api/v1}; endpoint paths are appended to it
 * @param operatorApiKey the operator's key for this upstream; empty when each call brings the caller's own key
 * @param timeouts       connect, first byte, idle gap between stream events, total for a non-streamed answer
 * @param retries        how often a refused or reset connection, or a 502/503, is tried again
 * @param modelsTtl      how long a fetched model catalogue is reused
 */
public record UpstreamSettings(String name, URI baseUrl, Optional<String> operatorApiKey, Timeouts timeouts,
                               Retries retries, Duration modelsTtl) {

    public record Timeouts(Duration connect, Duration firstByte, Duration idle, Duration total) {
    }

    /**
     * @param maxRetries tries after the first; 0 never retries
     * @param backoff    the first wait; each further wait doubles, up to {@code maxBackoff}, and is jittered down to half
     */
    public record Retries(int maxRetries, Duration backoff, Duration maxBackoff) {
        public Retries {
            if (maxRetries < 0) {
                throw new IllegalArgumentException("retries cannot be negative");
            }
        }
    }

    /** The URL of an endpoint under the base URL, e.g. {@code chat/completions}. */
    public String endpoint(String path) {
        String base = baseUrl.toString();
        return (base.endsWith("/") ? base : base + "/") + path;
    }

    @Override
    public String toString() {
        return "UpstreamSettings[" + name + ", " + baseUrl + ", operatorKey=" + operatorApiKey.map(k -> "set").orElse("none") + "]";
    }
}
