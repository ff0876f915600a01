package io.keyway.domain.port;

import io.keyway.domain.keys.KeyId;
import io.keyway.domain.model.KeyLimits;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.concurrent.CompletionStage;

/**
 * The counters behind a key's limits, shared by every instance on one database. {@link #admit} takes one request
 * from the key's allowance for the current minute and checks the day's tokens and the month's cost; {@link #consumed}
 * adds what an answer used once it is known. Neither makes a database round trip for every request.
 */
public interface LimitCounters {
    /** Admits or refuses one request of a key with limits; completes at once unless the key's allowance must be renewed. */
    CompletionStage<Admission> admit(KeyId key, KeyLimits limits, Instant now);

    /** What an admitted request of a key with limits used, as the upstream reported it. */
    void consumed(KeyId key, KeyLimits limits, long tokens, BigDecimal cost, Instant now);

    /** Where a counted quantity stands in its window: for the rate-limit headers. */
    record Status(String limit, String remaining, long resetSeconds) {
    }

    /** The limit a refused request is over. */
    enum Exceeded {
        /** Requests per minute (429 rate_limit_exceeded). */
        REQUESTS,
        /** Tokens per day (429 rate_limit_exceeded). */
        TOKENS,
        /** Cost per month (429 budget_exceeded). */
        COST
    }

    /**
     * @param exceeded null when admitted; else the limit the request is over
     * @param requests null when the key has no request limit
     * @param tokens   null when the key has no token limit
     * @param cost     null when the key has no cost limit
     */
    record Admission(Exceeded exceeded, long retryAfterSeconds, Status requests, Status tokens, Status cost) {
        public boolean admitted() {
            return exceeded == null;
        }
    }
}
