package io.keyway.bootstrap;

import io.keyway.openai.UpstreamSettings;

import java.time.Duration;

/** Timeouts and retries every upstream has, OpenRouter and the operator's alike, with their defaults. */
public abstract class UpstreamTuning {
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration firstByteTimeout = Duration.ofSeconds(120);
    private Duration idleTimeout = Duration.ofSeconds(120);
    private Duration totalTimeout = Duration.ofSeconds(600);
    private int retries = 2;
    private Duration retryBackoff = Duration.ofMillis(250);
    private Duration retryMaxBackoff = Duration.ofSeconds(4);

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
