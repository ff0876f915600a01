package io.keyway.application;

import io.keyway.domain.keys.KeyId;
import io.keyway.domain.model.KeyLimits;
import io.keyway.domain.port.LimitCounters;
import io.keyway.domain.port.UsageLedger;
import io.keyway.domain.usage.UsageRecord;

/**
 * Every routed request's usage, handed to the ledger when its answer ends, and for a key with token or cost limits
 * added to its counters; never blocks, never fails the request.
 */
public final class RecordUsage {
    private final UsageLedger ledger;
    private final LimitCounters counters;

    public RecordUsage(UsageLedger ledger, LimitCounters counters) {
        this.ledger = ledger;
        this.counters = counters;
    }

    public void record(UsageRecord record, KeyLimits limits) {
        ledger.record(record);
        if (limits.tokensPerDay() != null || limits.costPerMonth() != null) {
            counters.consumed(new KeyId(record.keyId()), limits, record.usage().tokens(), record.usage().costOrZero(), record.at());
        }
    }
}
