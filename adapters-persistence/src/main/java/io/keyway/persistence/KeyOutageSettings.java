package io.keyway.persistence;

import io.micronaut.context.annotation.ConfigurationProperties;

import java.time.Duration;

/**
 * {@code keyway.keys.*}: what a gateway key may do while PostgreSQL cannot be reached. A key record read from the
 * database is served from memory, unconfirmed, for at most {@link #getOutageGrace()} after it was read, while the
 * database does not answer; a key never read answers 503 {@code database_unavailable}. Zero turns this off: every key
 * whose record is past {@code keyway.key-cache.max-age} then fails with the database.
 */
@ConfigurationProperties("keyway.keys")
final class KeyOutageSettings {
    private Duration outageGrace = Duration.ofMinutes(10);

    public Duration getOutageGrace() {
        return outageGrace;
    }

    public void setOutageGrace(Duration outageGrace) {
        this.outageGrace = outageGrace;
    }
}
