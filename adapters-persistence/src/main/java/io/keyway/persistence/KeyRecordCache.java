package io.keyway.persistence;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.keyway.domain.model.GatewayKey;
import jakarta.inject.Singleton;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * Gateway-key records by key id, as the database holds them, in a bounded Caffeine cache; "no such key" is remembered
 * too, briefly. Entries are evicted when a change to their key is notified ({@link KeyChangeListener}) or made here
 * ({@link CachingKeyVault}), and expire after the maximum age regardless. While change notifications are not being
 * received the cache is bypassed: every lookup goes to the database.
 *
 * <p>A load that overlaps an eviction is not kept, so a record read just before a change commits cannot outlive the
 * change's notification.
 */
@Singleton
final class KeyRecordCache {
    private sealed interface Entry {
    }

    private record Present(GatewayKey key) implements Entry {
    }

    private record Absent() implements Entry {
    }

    private static final Absent ABSENT = new Absent();

    private final KeyCacheSettings settings;
    private final Cache<String, Entry> entries;
    private final AtomicLong evictions = new AtomicLong();
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private volatile boolean notified;

    KeyRecordCache(KeyCacheSettings settings) {
        this.settings = settings;
        long present = settings.getMaxAge().toNanos();
        long absent = settings.getNegativeTtl().toNanos();
        this.entries = Caffeine.newBuilder()
                .maximumSize(settings.getMaximumSize())
                .expireAfter(new Expiry<String, Entry>() {
                    @Override
                    public long expireAfterCreate(String key, Entry entry, long now) {
                        return entry instanceof Present ? present : absent;
                    }

                    @Override
                    public long expireAfterUpdate(String key, Entry entry, long now, long remaining) {
                        return expireAfterCreate(key, entry, now);
                    }

                    @Override
                    public long expireAfterRead(String key, Entry entry, long now, long remaining) {
                        return remaining;
                    }
                })
                .build();
    }

    /** The record of {@code keyId}: from memory when it is there and trusted, else from {@code load}. */
    Optional<GatewayKey> find(String keyId, Supplier<Optional<GatewayKey>> load) {
        if (!settings.isEnabled() || !notified) {
            return load.get();
        }
        Entry entry = entries.getIfPresent(keyId);
        if (entry != null) {
            hits.increment();
            return entry instanceof Present found ? Optional.of(found.key()) : Optional.empty();
        }
        misses.increment();
        long before = evictions.get();
        Optional<GatewayKey> loaded = load.get();
        if (notified && evictions.get() == before) {
            entries.put(keyId, loaded.<Entry>map(Present::new).orElse(ABSENT));
        }
        return loaded;
    }

    /** Forgets one key's record (it changed). */
    void evict(String keyId) {
        evictions.incrementAndGet();
        entries.invalidate(keyId);
    }

    /**
     * Whether changes are being notified. Either way everything held is dropped: records cached before listening
     * began, or while notifications were lost, may be stale.
     */
    void notificationsArrive(boolean arrive) {
        notified = false;
        evictions.incrementAndGet();
        entries.invalidateAll();
        notified = arrive;
    }

    boolean trusted() {
        return notified;
    }

    long size() {
        entries.cleanUp();
        return entries.estimatedSize();
    }

    long hits() {
        return hits.sum();
    }

    long misses() {
        return misses.sum();
    }
}
