package io.keyway.domain.usage;

import java.math.BigDecimal;

/**
 * Sums over a group of recorded requests: how many, the tokens and the cost the upstreams reported, and how many of
 * those requests carry Keyway's estimate instead (streams left before their usage event; their tokens are in the sums).
 */
public record UsageTotals(String group, long requests, long promptTokens, long completionTokens, long totalTokens, BigDecimal cost,
                          long estimatedRequests) {
    /** Totals with no estimated request among them. */
    public UsageTotals(String group, long requests, long promptTokens, long completionTokens, long totalTokens, BigDecimal cost) {
        this(group, requests, promptTokens, completionTokens, totalTokens, cost, 0);
    }

    public UsageTotals plus(UsageTotals other) {
        return new UsageTotals(group, requests + other.requests, promptTokens + other.promptTokens,
                completionTokens + other.completionTokens, totalTokens + other.totalTokens, cost.add(other.cost),
                estimatedRequests + other.estimatedRequests);
    }

    public static UsageTotals zero(String group) {
        return new UsageTotals(group, 0, 0, 0, 0, BigDecimal.ZERO);
    }
}
