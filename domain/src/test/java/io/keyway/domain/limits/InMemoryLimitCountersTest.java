package io.keyway.domain.limits;

import io.keyway.domain.keys.KeyId;
import io.keyway.domain.model.KeyLimits;
import io.keyway.domain.port.LimitCounters.Exceeded;
import io.keyway.domain.port.LimitCountersContract;
import io.keyway.domain.port.LimitStore;
import io.keyway.domain.testkit.InMemoryLimitStore;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The limit rules over the in-memory store; and what an unreachable store means, which only this store can show. */
class InMemoryLimitCountersTest extends LimitCountersContract {
    private final InMemoryLimitStore store = new InMemoryLimitStore();

    @Override
    protected LimitStore store() {
        return store;
    }

    @Test
    void whileTheStoreIsAwayRequestsAreAdmittedAndUsageWaitsToBeAddedOnce() {
        SharedLimitCounters counters = new SharedLimitCounters(store, clock, Runnable::run);
        KeyId key = new KeyId("00000000000a0a0a");
        KeyLimits limits = new KeyLimits(1L, 50L, null);
        store.reachable(false);

        for (int i = 0; i < 3; i++) {
            assertTrue(counters.admit(key, limits, clock.instant()).toCompletableFuture().join().admitted(),
                    "a limit is no reason to fail every request while the database is away");
        }
        counters.consumed(key, limits, 30, BigDecimal.ZERO, clock.instant());
        counters.sync();
        store.reachable(true);
        counters.sync();
        counters.sync();

        assertEquals(new BigDecimal(30), store.add("00000000000a0a0a", LimitStore.Kind.TOKENS, clock.instant().truncatedTo(java.time.temporal.ChronoUnit.DAYS),
                BigDecimal.ZERO).orElseThrow());
        counters.consumed(key, limits, 20, BigDecimal.ZERO, clock.instant());
        assertEquals(Exceeded.TOKENS, counters.admit(key, limits, clock.instant()).toCompletableFuture().join().exceeded());
    }
}
