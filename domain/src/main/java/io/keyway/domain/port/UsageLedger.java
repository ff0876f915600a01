package io.keyway.domain.port;

import io.keyway.domain.usage.UsageQuery;
import io.keyway.domain.usage.UsageRecord;
import io.keyway.domain.usage.UsageTotals;

import java.util.List;

/**
 * Where usage is recorded and summed. {@link #record} never blocks and never fails a request: an implementation
 * queues the record and writes it later (in batches); {@link #summarize} reads what has been written.
 */
public interface UsageLedger {
    void record(UsageRecord record);

    /** One row per group, in the group's order; may throw {@link KeyVaultUnavailable} when the storage is unreachable. */
    List<UsageTotals> summarize(UsageQuery query);
}
