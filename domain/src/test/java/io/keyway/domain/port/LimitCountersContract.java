package io.keyway.domain.port;

import io.keyway.domain.keys.KeyId;
import io.keyway.domain.limits.SharedLimitCounters;
import io.keyway.domain.model.KeyLimits;
import io.keyway.domain.port.LimitCounters.Admission;
import io.keyway.domain.port.LimitCounters.Exceeded;
import io.keyway.domain.testkit.MutableClock;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What keys' limits owe their users, whatever store the instances share: the same rules (windows, leases, resets)
 * on every store. A store's test extends this class and says which store it runs on; time is a clock the test moves,
 * never the wall clock.
 */
public abstract class LimitCountersContract {
    /** 15 s into a minute, on the last day of a month. */
    private static final Instant START = Instant.parse("2031-01-31T23:58:15Z");

    protected final MutableClock clock = new MutableClock(START);
    private final KeyId key = new KeyId(UUID.randomUUID().toString().replace("-", "").substring(0, 16));

    /** The store under test; every call may return the same one (keys are new in each test). */
    protected abstract LimitStore store();

    /** An instance of the gateway: its own counters over the shared store. */
    private SharedLimitCounters instance() {
        return new SharedLimitCounters(store(), clock, Runnable::run);
    }

    private Admission admit(SharedLimitCounters counters, KeyLimits limits) {
        return counters.admit(key, limits, clock.instant()).toCompletableFuture().join();
    }

    @Test
    void requestsAreAdmittedUpToTheLimitThenRefusedUntilTheNextMinute() {
        SharedLimitCounters counters = instance();
        KeyLimits three = new KeyLimits(3L, null, null);

        for (int remaining = 2; remaining >= 0; remaining--) {
            Admission admitted = admit(counters, three);
            assertTrue(admitted.admitted());
            assertEquals(Long.toString(remaining), admitted.requests().remaining());
            assertEquals(45, admitted.requests().resetSeconds());
        }
        Admission refused = admit(counters, three);
        assertEquals(Exceeded.REQUESTS, refused.exceeded());
        assertEquals(45, refused.retryAfterSeconds());
        assertEquals("0", refused.requests().remaining());

        clock.advance(Duration.ofSeconds(45));
        Admission nextMinute = admit(counters, three);
        assertTrue(nextMinute.admitted());
        assertEquals("2", nextMinute.requests().remaining());
        assertEquals(60, nextMinute.requests().resetSeconds());
    }

    @Test
    void aLimitLoweredMidMinuteAdmitsNoMoreThanTheNewLimitCounted() {
        SharedLimitCounters counters = instance();
        assertTrue(admit(counters, new KeyLimits(60L, null, null)).admitted());

        KeyLimits two = new KeyLimits(2L, null, null);
        Admission second = admit(counters, two);
        assertTrue(second.admitted());
        assertEquals("0", second.requests().remaining());
        assertEquals(Exceeded.REQUESTS, admit(counters, two).exceeded());
    }

    @Test
    void aLimitRaisedMidMinuteAdmitsUpToTheNewLimit() {
        SharedLimitCounters counters = instance();
        KeyLimits one = new KeyLimits(1L, null, null);
        assertTrue(admit(counters, one).admitted());
        assertEquals(Exceeded.REQUESTS, admit(counters, one).exceeded());

        KeyLimits three = new KeyLimits(3L, null, null);
        assertTrue(admit(counters, three).admitted());
        assertTrue(admit(counters, three).admitted());
        assertEquals(Exceeded.REQUESTS, admit(counters, three).exceeded());
    }

    @Test
    void instancesSharingTheStoreNeverAdmitMoreThanTheLimitTogether() {
        SharedLimitCounters first = instance();
        SharedLimitCounters second = instance();
        KeyLimits forty = new KeyLimits(40L, null, null);

        int admitted = 0;
        for (int i = 0; i < 60; i++) {
            admitted += admit(i % 2 == 0 ? first : second, forty).admitted() ? 1 : 0;
            admitted += admit(i % 3 == 0 ? second : first, forty).admitted() ? 1 : 0;
        }

        assertEquals(40, admitted);
    }

    @Test
    void tokensUsedOnOneInstanceRefuseTheKeyOnEveryInstanceOnceSyncedUntilTheNextUtcDay() {
        SharedLimitCounters first = instance();
        SharedLimitCounters second = instance();
        KeyLimits hundred = new KeyLimits(null, 100L, null);

        assertTrue(admit(first, hundred).admitted());
        first.consumed(key, hundred, 100, BigDecimal.ZERO, clock.instant());
        Admission local = admit(first, hundred);
        assertEquals(Exceeded.TOKENS, local.exceeded());
        assertEquals(105, local.retryAfterSeconds());
        assertEquals("0", local.tokens().remaining());
        assertTrue(admit(second, hundred).admitted(), "the other instance has not heard yet");

        first.sync();
        second.sync();
        assertEquals(Exceeded.TOKENS, admit(second, hundred).exceeded());

        clock.advance(Duration.ofSeconds(105));
        Admission tomorrow = admit(second, hundred);
        assertTrue(tomorrow.admitted());
        assertEquals("100", tomorrow.tokens().remaining());
    }

    @Test
    void aSpentBudgetIsRefusedUntilTheFirstOfTheNextMonthAndNothingIsAddedTwice() {
        SharedLimitCounters counters = instance();
        KeyLimits budget = new KeyLimits(null, null, new BigDecimal("1.00"));

        counters.consumed(key, budget, 10, new BigDecimal("0.40"), clock.instant());
        counters.sync();
        counters.sync();
        Admission half = admit(counters, budget);
        assertTrue(half.admitted());
        assertEquals("0.60", half.cost().remaining());

        counters.consumed(key, budget, 10, new BigDecimal("0.60"), clock.instant());
        counters.sync();
        Admission spent = admit(counters, budget);
        assertEquals(Exceeded.COST, spent.exceeded());
        assertEquals(105, spent.retryAfterSeconds(), "the month ends at midnight UTC");

        clock.advance(Duration.ofSeconds(105));
        assertTrue(admit(counters, budget).admitted());
        assertNull(admit(counters, budget).exceeded());
    }
}
