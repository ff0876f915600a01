package io.keyway.domain.usage;

import io.keyway.domain.model.AccountId;

import java.time.Instant;
import java.util.Objects;

/**
 * A usage report's question: one account's usage, or one of its keys' ({@code keyId} set), from (inclusive) to
 * (exclusive), grouped by day (UTC), model or key.
 */
public record UsageQuery(AccountId account, String keyId, Instant from, Instant to, GroupBy groupBy) {
    public enum GroupBy {
        DAY, MODEL, KEY
    }

    public UsageQuery {
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(groupBy, "groupBy");
    }
}
