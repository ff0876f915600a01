package io.keyway.bootstrap;

import io.keyway.openai.UpstreamSettings;

import java.net.URI;
import java.time.Duration;

/**
 * What every upstream has, a provider users bring keys for and an operator's upstream alike: its name, its address,
 * how long its model catalogue is kept, and its timeouts and retries, with their defaults.
 */
public abstract class UpstreamTuning {
    private final String name;
    private URI baseUrl;
    private Duration modelsTtl = Duration.ofMinutes(10);
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration firstByteTimeout = Duration.ofSeconds(120);
    private Duration idleTimeout = Duration.ofSeconds(120);
    private Duration totalTimeout = Duration.ofSeconds(600);
    private int retries = 2;
    private Duration retryBackoff = Duration.ofMillis(250);
    private Duration retryMaxBackoff = Duration.ofSeconds(4);

    UpstreamTuning(String name) {
        this.name = name;
    }

    /**
     * The base URL keys may be sent to, or a start failure naming {@code <section>.<name>.base-url}: unset, or neither
     * {@code https} nor on this machine ({@link UpstreamAddresses}).
     */
    URI safeBaseUrl(String section) {
        String property = section + "." + name + ".base-url";
        if (baseUrl == null) {
            throw new IllegalStateException(property + " is not set");
        }
        return UpstreamAddresses.requireSafe(property, baseUrl);
    }

    public String getName() {
        return name;
    }

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

    UpstreamSettings.Timeouts timeouts() {
        return new UpstreamSettings.Timeouts(connectTimeout, firstByteTimeout, idleTimeout, totalTimeout);
    }

    UpstreamSettings.Retries retryPolicy() {
        return new UpstreamSettings.Retries(retries, retryBackoff, retryMaxBackoff);
    }

    public Duration getConnectTimeout() {
        return connectTimeout;
    }

    public void setConnectTimeout(Duration connectTimeout) {
        this.connectTimeout = connectTimeout;
    }

    public Duration getFirstByteTimeout() {
        return firstByteTimeout;
    }

    public void setFirstByteTimeout(Duration firstByteTimeout) {
        this.firstByteTimeout = firstByteTimeout;
    }

    public Duration getIdleTimeout() {
        return idleTimeout;
    }

    public void setIdleTimeout(Duration idleTimeout) {
        this.idleTimeout = idleTimeout;
    }

    public Duration getTotalTimeout() {
        return totalTimeout;
    }

    public void setTotalTimeout(Duration totalTimeout) {
        this.totalTimeout = totalTimeout;
    }

    public int getRetries() {
        return retries;
    }

    public void setRetries(int retries) {
        this.retries = retries;
    }

    public Duration getRetryBackoff() {
        return retryBackoff;
    }

    public void setRetryBackoff(Duration retryBackoff) {
        this.retryBackoff = retryBackoff;
    }

    public Duration getRetryMaxBackoff() {
        return retryMaxBackoff;
    }

    public void setRetryMaxBackoff(Duration retryMaxBackoff) {
        this.retryMaxBackoff = retryMaxBackoff;
    }
}
