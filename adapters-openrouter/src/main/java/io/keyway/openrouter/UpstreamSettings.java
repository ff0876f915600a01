package io.keyway.openrouter;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * How to reach one OpenAI-compatible upstream.
 *
 * @param name           the name routes use
 * @param baseUrl        e.g. {@code https://openrouter.ai/api/v1}; endpoint paths are appended to it
 * @param operatorApiKey the operator's key for this upstream; empty when each call brings the caller's own key
 * @param connectTimeout how long to wait for a connection
 * @param readTimeout    how long to wait for the response to start
 * @param modelsTtl      how long a fetched model catalogue is reused
 */
public record UpstreamSettings(String name, URI baseUrl, Optional<String> operatorApiKey, Duration connectTimeout,
                               Duration readTimeout, Duration modelsTtl) {
    @Override
    public String toString() {
        return "UpstreamSettings[" + name + ", " + baseUrl + ", operatorKey=" + operatorApiKey.map(k -> "set").orElse("none") + "]";
    }
}
