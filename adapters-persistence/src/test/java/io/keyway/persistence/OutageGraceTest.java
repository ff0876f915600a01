package io.keyway.persistence;

import io.keyway.domain.keys.KeyId;
import io.keyway.domain.keys.Verifier;
import io.keyway.domain.model.AccountId;
import io.keyway.domain.model.GatewayKey;
import io.keyway.domain.port.KeyVaultUnavailable;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * keyway.keys.outage-grace on a clock of the test's own: a record read from the database stands in for it while it
 * cannot be reached, up to the grace after the read, never once the key changed, and never while the database answers.
 */
class OutageGraceTest {
    private static final String ID = "00000000000000bb";
    private static final GatewayKey KEY = new GatewayKey(new KeyId(ID), new AccountId(new java.util.UUID(0, 2)), "k",
            new Verifier(new byte[32]), Instant.EPOCH, Map.of());
    private static final long SECOND = 1_000_000_000L;

    private final AtomicLong now = new AtomicLong(1_000 * SECOND);
    private final AtomicBoolean databaseUp = new AtomicBoolean(true);
    private final AtomicInteger reads = new AtomicInteger();
    private final Supplier<Optional<GatewayKey>> database = () -> {
        reads.incrementAndGet();
        if (!databaseUp.get()) {
            throw new KeyVaultUnavailable("down", null);
        }
        return Optional.of(KEY);
    };

    private KeyRecordCache cache(Duration grace) {
        KeyOutageSettings outage = new KeyOutageSettings();
        outage.setOutageGrace(grace);
        KeyRecordCache cache = new KeyRecordCache(new KeyCacheSettings(), outage, now::get);
        cache.notificationsArrive(true);
        return cache;
    }

    @Test
    void aRecordReadBeforeTheOutageStandsInForTheGraceAfterItsReadAndNoLonger() {
        KeyRecordCache cache = cache(Duration.ofMinutes(10));
        assertEquals(Optional.of(KEY), cache.find(ID, database));
        now.addAndGet(60 * SECOND); // past the 5 s maximum age
        assertNull(cache.atHand(ID), "a record past its maximum age is read again while the database answers");
        assertNull(cache.standIn(ID), "no stand-in while the database answers");

        databaseUp.set(false);
        assertEquals(Optional.of(KEY), cache.find(ID, database), "the record read a minute ago stands in");
        assertNotNull(cache.standIn(ID));
        int readsBefore = reads.get();
        assertEquals(Optional.of(KEY), cache.find(ID, database));
        assertEquals(readsBefore, reads.get(), "within 250 ms of a failure the database is not asked again");

        now.addAndGet(9 * 60 * SECOND - SECOND);
        assertEquals(Optional.of(KEY), cache.find(ID, database), "9:59 after its read");
        now.addAndGet(2 * SECOND);
        assertNull(cache.standIn(ID));
        assertThrows(KeyVaultUnavailable.class, () -> cache.find(ID, database), "10:01 after its read");
        assertTrue(cache.standIns() >= 3);
    }

    @Test
    void theDatabaseBackEndsTheStandIns() {
        KeyRecordCache cache = cache(Duration.ofMinutes(10));
        cache.find(ID, database);
        now.addAndGet(10 * SECOND);
        databaseUp.set(false);
        cache.find(ID, database);
        assertNotNull(cache.standIn(ID));
        databaseUp.set(true);
        now.addAndGet(2 * SECOND);
        assertEquals(Optional.of(KEY), cache.find(ID, database));
        assertNull(cache.standIn(ID), "a read that succeeded ends the outage");
    }

    @Test
    void aChangedKeyIsNeverAStandIn() {
        KeyRecordCache cache = cache(Duration.ofMinutes(10));
        cache.find(ID, database);
        cache.evict(ID);
        databaseUp.set(false);
        assertThrows(KeyVaultUnavailable.class, () -> cache.find(ID, database));
        assertNull(cache.standIn(ID));
    }

    @Test
    void recordsReadBeforeNotificationsResumedAreReadAgainButStandInForAnOutage() {
        KeyRecordCache cache = cache(Duration.ofMinutes(10));
        cache.find(ID, database);
        assertNotNull(cache.atHand(ID));
        cache.notificationsArrive(false);
        assertNull(cache.atHand(ID), "without notifications every lookup reads the database");
        now.addAndGet(SECOND);
        cache.notificationsArrive(true);
        assertNull(cache.atHand(ID), "a record read before notifications resumed may have missed a change");
        databaseUp.set(false);
        assertEquals(Optional.of(KEY), cache.find(ID, database), "it still stands in for an outage");
    }

    @Test
    void aGraceOfZeroServesNothingPastTheMaximumAge() {
        KeyRecordCache cache = cache(Duration.ZERO);
        cache.find(ID, database);
        now.addAndGet(6 * SECOND);
        databaseUp.set(false);
        assertThrows(KeyVaultUnavailable.class, () -> cache.find(ID, database));
        assertNull(cache.standIn(ID));
    }
}
