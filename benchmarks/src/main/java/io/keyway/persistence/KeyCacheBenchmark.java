package io.keyway.persistence;

import io.keyway.domain.keys.KeyId;
import io.keyway.domain.keys.Verifier;
import io.keyway.domain.model.AccountId;
import io.keyway.domain.model.GatewayKey;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** A gateway-key lookup that hits the key-record cache (100,000 keys held), as every request with a known key does. */
@State(Scope.Benchmark)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class KeyCacheBenchmark {
    private static final int KEYS = 100_000;
    private KeyRecordCache cache;
    private String[] ids;
    private int next;

    @Setup
    public void fill() {
        KeyCacheSettings settings = new KeyCacheSettings();
        // Records expire after 5 s by default; a benchmark of hits keeps them for its whole run.
        settings.setMaxAge(Duration.ofHours(1));
        cache = new KeyRecordCache(settings, new KeyOutageSettings());
        cache.notificationsArrive(true);
        ids = new String[KEYS];
        for (int i = 0; i < KEYS; i++) {
            String id = String.format("%016x", i);
            ids[i] = id;
            GatewayKey key = new GatewayKey(new KeyId(id), AccountId.random(), "k", new Verifier(new byte[32]), Instant.now(), Map.of());
            cache.find(id, () -> Optional.of(key));
        }
    }

    @Benchmark
    public Optional<GatewayKey> hit() {
        String id = ids[next++ % KEYS];
        return cache.find(id, () -> {
            throw new IllegalStateException("a miss in a benchmark of hits");
        });
    }
}
