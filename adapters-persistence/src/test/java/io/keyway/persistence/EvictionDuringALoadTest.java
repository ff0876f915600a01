package io.keyway.persistence;

import io.keyway.domain.keys.KeyId;
import io.keyway.domain.keys.Verifier;
import io.keyway.domain.model.AccountId;
import io.keyway.domain.model.GatewayKey;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * A key's change notified while its record is being loaded: what the load read (from before the change) is returned
 * to its caller but never kept, whenever the eviction lands, even after the load's last look at the evictions and
 * before it stores its answer (the window KeyChangeNotificationsTest hit now and then).
 */
class EvictionDuringALoadTest {
    private static final String ID = "00000000000000cc";
    private static final GatewayKey KEY = new GatewayKey(new KeyId(ID), new AccountId(new java.util.UUID(0, 3)), "k",
            new Verifier(new byte[32]), Instant.EPOCH, Map.of());

    @Test
    void aChangeNotifiedJustBeforeALoadStoresItsAnswerIsNotOutlived() {
        AtomicReference<KeyRecordCache> cache = new AtomicReference<>();
        AtomicBoolean answered = new AtomicBoolean();
        AtomicBoolean evicted = new AtomicBoolean();
        // The cache reads its clock once between the load's check of the evictions and its put: the change lands there.
        KeyRecordCache caching = new KeyRecordCache(new KeyCacheSettings(), new KeyOutageSettings(), () -> {
            if (answered.get() && evicted.compareAndSet(false, true)) {
                cache.get().evict(ID);
            }
            return 1_000_000_000_000L;
        });
        cache.set(caching);
        caching.notificationsArrive(true);

        Optional<GatewayKey> read = caching.find(ID, () -> {
            answered.set(true);
            return Optional.of(KEY);
        });

        assertEquals(Optional.of(KEY), read, "the caller gets what was read");
        assertEquals(true, evicted.get(), "the change landed while the load was under way");
        assertNull(caching.atHand(ID), "a record read before its change was kept in memory");
    }
}
