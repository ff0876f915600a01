package io.keyway.openai;

import io.keyway.domain.port.CompletionProvider;
import io.micronaut.serde.ObjectMapper;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/** Builds the adapter under contract from the contract's limits. */
final class Contracts {
    private static final OpenAiUpstreams CLIENTS = new OpenAiUpstreams(ObjectMapper.getDefault(), new io.micrometer.core.instrument.simple.SimpleMeterRegistry());

    private Contracts() {
    }

    static CompletionProvider connect(String name, String baseUrl, Optional<String> operatorKey, Duration connect, Duration firstByte,
                                      Duration idle, Duration total, int retries, Duration backoff) {
        return CLIENTS.connect(new UpstreamSettings(name, URI.create(baseUrl), operatorKey,
                new UpstreamSettings.Timeouts(connect, firstByte, idle, total),
                new UpstreamSettings.Retries(retries, backoff, backoff.multipliedBy(4)), Duration.ofMinutes(1)));
    }
}
