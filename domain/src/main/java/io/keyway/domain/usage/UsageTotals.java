package io.keyway.domain.usage;

import java.math.BigDecimal;

/** Sums over a group of recorded requests: how many, the tokens and the cost the upstreams reported. */
public record UsageTotals(String group, long requests, long promptTokens, long completionTokens, long totalTokens, BigDecimal cost) {
    public UsageTotals plus(UsageTotals other) {
        return new UsageTotals(group, requests + other.requests, promptTokens + other.promptTokens,
                completionTokens + other.completionTokens, totalTokens + other.totalTokens, cost.add(other.cost));
    }

    public static UsageTotals zero(String group) {
        return new UsageTotals(group, 0, 0, 0, 0, BigDecimal.ZERO);
    }
}
