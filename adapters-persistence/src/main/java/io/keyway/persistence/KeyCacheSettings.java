package io.keyway.persistence;

import io.micronaut.context.annotation.ConfigurationProperties;

import java.time.Duration;

/**
 * {@code keyway.key-cache.*}: how gateway-key records are cached in front of PostgreSQL. The cache holds what the
 * database holds (verifier, sealed provider keys, account, dates), never a secret or anything derived from one.
 */
@ConfigurationProperties("keyway.key-cache")
final class KeyCacheSettings {
    /** Records kept at most; the least recently used go first. */
    private long maximumSize = 100_000;
    /** The longest a record is served from memory, even if a change notification was lost. */
    private Duration maxAge = Duration.ofSeconds(5);
    /** How long "no such key" is remembered, so a flood of unknown ids does not become a flood of queries. */
    private Duration negativeTtl = Duration.ofSeconds(1);
    /** Off, every lookup goes to the database. */
    private boolean enabled = true;

    public long getMaximumSize() {
        return maximumSize;
    }

    public void setMaximumSize(long maximumSize) {
        this.maximumSize = maximumSize;
    }

    public Duration getMaxAge() {
        return maxAge;
    }

    public void setMaxAge(Duration maxAge) {
        this.maxAge = maxAge;
    }

    public Duration getNegativeTtl() {
        return negativeTtl;
    }

    public void setNegativeTtl(Duration negativeTtl) {
        this.negativeTtl = negativeTtl;
    }

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }
}
