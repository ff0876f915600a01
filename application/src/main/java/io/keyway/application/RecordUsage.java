package io.keyway.application;

import io.keyway.domain.port.UsageLedger;
import io.keyway.domain.usage.UsageRecord;

/** Every routed request's usage, handed to the ledger when its answer ends; never blocks, never fails the request. */
public final class RecordUsage {
    private final UsageLedger ledger;

    public RecordUsage(UsageLedger ledger) {
        this.ledger = ledger;
    }

    public void record(UsageRecord record) {
        ledger.record(record);
    }
}
