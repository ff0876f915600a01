package io.keyway.persistence;

import io.keyway.domain.keys.KeyId;
import io.keyway.domain.keys.Verifier;
import io.keyway.domain.model.AccountId;
import io.keyway.domain.model.GatewayKey;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Concurrent misses of one key make one query, unless a change came between. */
class ConcurrentMissesTest {
    private static final KeyId ID = new KeyId("00000000000000aa");
    private final ExecutorService blocking = Executors.newFixedThreadPool(8);

    /** A vault whose lookups count themselves and wait until released, like a slow database. */
    private static final class SlowVault extends PostgresKeyVault {
        final AtomicInteger queries = new AtomicInteger();
        final CountDownLatch release = new CountDownLatch(1);
        volatile String name = "before";

        SlowVault() {
            super(null, null, null, null, null);
        }

        @Override
        public Optional<GatewayKey> findGatewayKey(KeyId id) {
            queries.incrementAndGet();
            String read = name;
            try {
                release.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return Optional.of(new GatewayKey(id, new AccountId(new java.util.UUID(0, 1)), read, new Verifier(new byte[32]),
                    Instant.EPOCH, Map.of()));
        }
    }

    @AfterEach
    void stop() {
        blocking.shutdownNow();
    }

    private static KeyRecordCache cache() {
        KeyRecordCache cache = new KeyRecordCache(new KeyCacheSettings(), new KeyOutageSettings());
        cache.notificationsArrive(true);
        return cache;
    }

    @Test
    void fiftyConcurrentMissesOfOneKeyMakeOneQuery() throws Exception {
        SlowVault database = new SlowVault();
        CachingKeyVault vault = new CachingKeyVault(database, cache(), blocking);

        List<CompletableFuture<Optional<GatewayKey>>> lookups = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            lookups.add(vault.lookUpGatewayKey(ID).toCompletableFuture());
        }
        database.release.countDown();

        for (CompletableFuture<Optional<GatewayKey>> lookup : lookups) {
            assertTrue(lookup.get(5, TimeUnit.SECONDS).isPresent());
        }
        assertEquals(1, database.queries.get());
    }

    @Test
    void aMissAfterAnEvictionDoesNotJoinALoadThatStartedBeforeIt() throws Exception {
        SlowVault database = new SlowVault();
        KeyRecordCache cache = cache();
        CachingKeyVault vault = new CachingKeyVault(database, cache, blocking);

        CompletableFuture<Optional<GatewayKey>> early = vault.lookUpGatewayKey(ID).toCompletableFuture();
        while (database.queries.get() == 0) {
            Thread.onSpinWait();
        }
        database.name = "after";
        cache.evict(ID.value());
        CompletableFuture<Optional<GatewayKey>> late = vault.lookUpGatewayKey(ID).toCompletableFuture();
        database.release.countDown();

        assertEquals("before", early.get(5, TimeUnit.SECONDS).orElseThrow().name());
        assertEquals("after", late.get(5, TimeUnit.SECONDS).orElseThrow().name(), "a lookup after the change was given the read from before it");
        assertEquals(2, database.queries.get());
    }
}
