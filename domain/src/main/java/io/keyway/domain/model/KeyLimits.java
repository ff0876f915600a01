package io.keyway.domain.model;

import java.math.BigDecimal;

/**
 * A gateway key's optional limits; a null field is no limit.
 *
 * @param requestsPerMinute requests in each minute (UTC, from its first second)
 * @param tokensPerDay      tokens, as the upstreams reported them, in each UTC day
 * @param costPerMonth      cost, as the upstreams reported it, in each UTC calendar month
 */
public record KeyLimits(Long requestsPerMinute, Long tokensPerDay, BigDecimal costPerMonth) {
    public static final KeyLimits NONE = new KeyLimits(null, null, null);

    public KeyLimits {
        if ((requestsPerMinute != null && requestsPerMinute < 1) || (tokensPerDay != null && tokensPerDay < 1)
                || (costPerMonth != null && costPerMonth.signum() <= 0)) {
            throw new IllegalArgumentException("a limit is a positive number, or none");
        }
    }

    public boolean any() {
        return requestsPerMinute != null || tokensPerDay != null || costPerMonth != null;
    }
}
