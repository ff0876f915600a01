package io.keyway.openai;

import io.keyway.domain.completion.Endpoint;
import io.micronaut.http.MutableHttpRequest;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
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
 * @param access         how the upstream takes its key, which headers it needs, where its endpoints are
 */
public record UpstreamSettings(String name, URI baseUrl, Optional<String> operatorApiKey, Timeouts timeouts,
                               Retries retries, Duration modelsTtl, Access access) {

    /** An upstream that speaks OpenAI's HTTP conventions: {@code Authorization: Bearer}, OpenAI's paths. */
    public UpstreamSettings(String name, URI baseUrl, Optional<String> operatorApiKey, Timeouts timeouts, Retries retries, Duration modelsTtl) {
        this(name, baseUrl, operatorApiKey, timeouts, retries, modelsTtl, Access.OPENAI);
    }

    /**
     * How requests reach an upstream, for the upstreams whose HTTP conventions differ from OpenAI's (Anthropic's
     * Messages API takes {@code x-api-key} and {@code anthropic-version}, and answers chats at {@code messages}).
     *
     * @param credentialHeader the header that carries the key, e.g. {@code Authorization}
     * @param credentialPrefix written before the key in that header, e.g. {@code "Bearer "}; may be empty
     * @param fixedHeaders     headers every request carries
     * @param paths            endpoint paths that differ from OpenAI's (see {@link Endpoint#path()})
     * @param cataloguePath    where the model list is, e.g. {@code models}
     * @param checkKeys        whether a user's key is checked with a models list before it is attached
     */
    public record Access(String credentialHeader, String credentialPrefix, Map<String, String> fixedHeaders,
                         Map<Endpoint, String> paths, String cataloguePath, boolean checkKeys) {
        public static final Access OPENAI = new Access("Authorization", "Bearer ", Map.of(), Map.of(), "models", true);

        public Access {
            fixedHeaders = Map.copyOf(fixedHeaders);
            paths = Map.copyOf(paths);
        }

        public Access withCheckKeys(boolean check) {
            return new Access(credentialHeader, credentialPrefix, fixedHeaders, paths, cataloguePath, check);
        }

        /** Puts on {@code request} the headers every request carries and {@code credential}, in the upstream's header. */
        void authorize(MutableHttpRequest<?> request, Optional<String> credential) {
            fixedHeaders.forEach(request::header);
            credential.ifPresent(key -> request.header(credentialHeader, credentialPrefix + key));
        }

        String path(Endpoint endpoint) {
            return paths.getOrDefault(endpoint, endpoint.path());
        }
    }

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
