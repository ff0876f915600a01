package io.keyway.bootstrap;

import io.micronaut.context.annotation.ConfigurationProperties;

import java.net.URI;
import java.time.Duration;

/** {@code keyway.openrouter.*}: where OpenRouter is ({@code KEYWAY_OPENROUTER_BASE_URL}) and how long to wait. */
@ConfigurationProperties("keyway.openrouter")
public class OpenRouterProperties extends UpstreamTuning {
    private URI baseUrl = URI.create("https://openrouter.ai/api/v1");
    private Duration modelsTtl = Duration.ofMinutes(10);

    public URI getBaseUrl() {
        return baseUrl;
    }

    public void setBaseUrl(URI baseUrl) {
        this.baseUrl = baseUrl;
    }

    public Duration getModelsTtl() {
        return modelsTtl;
    }

    public void setModelsTtl(Duration modelsTtl) {
        this.modelsTtl = modelsTtl;
    }
}
