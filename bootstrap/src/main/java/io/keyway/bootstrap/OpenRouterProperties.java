package io.keyway.bootstrap;

import io.micronaut.context.annotation.ConfigurationProperties;

import java.net.URI;
import java.time.Duration;

/** {@code keyway.openrouter.*}: where OpenRouter is ({@code KEYWAY_OPENROUTER_BASE_URL}) and how long to wait. */
@ConfigurationProperties("keyway.openrouter")
public class OpenRouterProperties {
    private URI baseUrl = URI.create("https://openrouter.ai/api/v1");
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration readTimeout = Duration.ofSeconds(300);
    private Duration modelsTtl = Duration.ofMinutes(10);

    public URI getBaseUrl() {
        return baseUrl;
    }

    public void setBaseUrl(URI baseUrl) {
        this.baseUrl = baseUrl;
    }

    public Duration getConnectTimeout() {
        return connectTimeout;
    }

    public void setConnectTimeout(Duration connectTimeout) {
        this.connectTimeout = connectTimeout;
    }

    public Duration getReadTimeout() {
        return readTimeout;
    }

    public void setReadTimeout(Duration readTimeout) {
        this.readTimeout = readTimeout;
    }

    public Duration getModelsTtl() {
        return modelsTtl;
    }

    public void setModelsTtl(Duration modelsTtl) {
        this.modelsTtl = modelsTtl;
    }
}
