package io.keyway.domain.port;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Optional;

/**
 * Where the counters behind keys' limits are shared between instances. It only stores: the windows, leases and
 * resets are the domain's rules ({@link io.keyway.domain.limits.LimitWindows}). Calls may block (a database round
 * trip); an unreachable store answers empty rather than throwing.
 */
public interface LimitStore {
    /**
     * Takes up to {@code block} of a minute's requests for {@code key}, never past {@code limit} in all.
     *
     * @return what was granted (possibly 0) and the minute's total taken so far, or empty if the store is unreachable
     */
    Optional<Lease> lease(String key, Instant minute, long limit, long block);

    /**
     * Adds {@code amount} to a key's counter of {@code kind} in the window starting at {@code window}.
     *
     * @return the window's total after the addition, or empty if the store is unreachable
     */
    Optional<BigDecimal> add(String key, Kind kind, Instant window, BigDecimal amount);

    /** Drops windows that started before {@code before}. */
    void forgetBefore(Instant before);

    /** The counted quantities, as stored. */
    enum Kind {
        REQUESTS("requests"), TOKENS("tokens"), COST("cost");

        private final String stored;

        Kind(String stored) {
            this.stored = stored;
        }

        public String stored() {
            return stored;
        }
    }

    /** A block of a minute's requests: {@code granted} now, {@code taken} by every instance so far, this one included. */
    record Lease(long granted, long taken) {
    }
}
