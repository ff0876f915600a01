package io.keyway.persistence;

import io.micronaut.context.annotation.ConfigurationProperties;

import java.time.Duration;

/** {@code keyway.usage.*}: how usage records are written and kept. */
@ConfigurationProperties("keyway.usage")
final class UsageSettings {
    /** How often queued records are written; a crash loses at most the records of one interval. */
    private Duration flushInterval = Duration.ofSeconds(2);
    /** How long records are kept; older ones are deleted in the background. */
    private Duration retention = Duration.ofDays(90);
    /**
     * Records held in memory while the database cannot take them; beyond it the newest are dropped (and counted). About
     * 250 bytes each: the default is 25 MB of the default 256 MB heap (a million filled that heap and left the gateway
     * in back-to-back full collections).
     */
    private int maximumQueued = 100_000;

    public Duration getFlushInterval() {
        return flushInterval;
    }

    public void setFlushInterval(Duration flushInterval) {
        this.flushInterval = flushInterval;
    }

    public Duration getRetention() {
        return retention;
    }

    public void setRetention(Duration retention) {
        this.retention = retention;
    }

    public int getMaximumQueued() {
        return maximumQueued;
    }

    public void setMaximumQueued(int maximumQueued) {
        this.maximumQueued = maximumQueued;
    }
}
