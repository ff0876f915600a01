package io.keyway.persistence;

import io.micronaut.context.annotation.ConfigurationProperties;

import java.time.Duration;

/** {@code keyway.limits.*}: how often an instance shares the tokens and cost its answers used, and reads the others'. */
@ConfigurationProperties("keyway.limits")
final class LimitSettings {
    private Duration syncInterval = Duration.ofSeconds(1);

    public Duration getSyncInterval() {
        return syncInterval;
    }

    public void setSyncInterval(Duration syncInterval) {
        this.syncInterval = syncInterval;
    }
}
