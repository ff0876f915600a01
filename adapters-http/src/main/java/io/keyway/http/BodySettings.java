package io.keyway.http;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.convert.format.ReadableBytes;

import java.time.Duration;

/**
 * {@code keyway.bodies.*}: what request bodies may hold of this instance while they arrive ({@link BodyGuard}). The
 * largest single body is {@code keyway.max-request-size}.
 */
@ConfigurationProperties("keyway.bodies")
public final class BodySettings {
    /** The bytes all bodies in flight may hold at once; past it a request answers 503 {@code overloaded}. */
    private long maxInFlight = 32L * 1024 * 1024;
    /** The slowest a body may arrive, on average since its headers, once {@link #rateGrace} has passed; slower: 408. */
    private long minRate = 16 * 1024;
    /** How long a body may take whatever its rate: bodies that arrive within it are never cut. */
    private Duration rateGrace = Duration.ofSeconds(10);
    /** The longest a body may pause between two reads before it is cut (408). */
    private Duration idleTimeout = Duration.ofSeconds(10);

    public long getMaxInFlight() {
        return maxInFlight;
    }

    public void setMaxInFlight(@ReadableBytes long maxInFlight) {
        this.maxInFlight = maxInFlight;
    }

    public long getMinRate() {
        return minRate;
    }

    public void setMinRate(@ReadableBytes long minRate) {
        this.minRate = minRate;
    }

    public Duration getRateGrace() {
        return rateGrace;
    }

    public void setRateGrace(Duration rateGrace) {
        this.rateGrace = rateGrace;
    }

    public Duration getIdleTimeout() {
        return idleTimeout;
    }

    public void setIdleTimeout(Duration idleTimeout) {
        this.idleTimeout = idleTimeout;
    }
}
