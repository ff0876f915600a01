package io.keyway.persistence;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.keyway.domain.model.GatewayKey;
import io.keyway.domain.port.KeyVaultUnavailable;
import jakarta.inject.Singleton;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * Gateway-key records by key id, as the database holds them, in a bounded Caffeine cache; "no such key" is remembered
 * too, briefly. Entries are evicted when a change to their key is notified ({@link KeyChangeListener}) or made here
 * ({@link CachingKeyVault}), and expire after the maximum age regardless. While change notifications are not being
 * received every lookup goes to the database, and the cache only stands in for a database that cannot be reached.
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
    private static final long RETRY_UNREACHABLE_AFTER = java.util.concurrent.TimeUnit.SECONDS.toNanos(1);

    private volatile boolean notified;
    private volatile long unreachableAt = System.nanoTime() - RETRY_UNREACHABLE_AFTER;

    KeyRecordCache(KeyCacheSettings settings) {
        this.settings = settings;
        long present = settings.getMaxAge().toNanos();
        long absent = settings.getNegativeTtl().toNanos();
        this.entries = Caffeine.newBuilder()
                // Maintenance on the calling thread (amortised, a few entries at a time): on the default executor every
                // few reads woke a ForkJoinPool thread, a context switch on the event loop's core.
                .executor(Runnable::run)
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

    /** What memory knows of a key: its record, or that there is none. */
    record Known(Optional<GatewayKey> key) {
    }

    /** The record of {@code keyId}: from memory when it is there and trusted, else from {@code load}. */
    Optional<GatewayKey> find(String keyId, Supplier<Optional<GatewayKey>> load) {
        Known known = atHand(keyId);
        return known != null ? known.key() : load(keyId, load);
    }

    /** What memory knows of {@code keyId}, or null when it must be loaded. */
    Known atHand(String keyId) {
        if (!settings.isEnabled() || !notified) {
            return null;
        }
        Entry entry = entries.getIfPresent(keyId);
        if (entry == null) {
            misses.increment();
            return null;
        }
        hits.increment();
        return new Known(value(entry));
    }

    /**
     * Loads {@code keyId} and keeps the answer, unless an eviction overlapped the load. While notifications do not
     * arrive, answers are kept only as a fallback: when the database cannot be reached, a record loaded less than the
     * maximum age ago is served instead of failing, and the database is not asked again for a second.
     */
    Optional<GatewayKey> load(String keyId, Supplier<Optional<GatewayKey>> load) {
        if (!settings.isEnabled()) {
            return load.get();
        }
        Entry fallback = notified ? null : entries.getIfPresent(keyId);
        if (System.nanoTime() - unreachableAt < RETRY_UNREACHABLE_AFTER) {
            if (fallback != null) {
                return value(fallback);
            }
            throw new KeyVaultUnavailable("The key database was unreachable a moment ago.", null);
        }
        long before = evictions.get();
        try {
            Optional<GatewayKey> loaded = load.get();
            if (evictions.get() == before) {
                entries.put(keyId, loaded.<Entry>map(Present::new).orElse(ABSENT));
            }
            return loaded;
        } catch (KeyVaultUnavailable unreachable) {
            unreachableAt = System.nanoTime();
            if (fallback != null) {
                return value(fallback);
            }
            throw unreachable;
        }
    }

    private static Optional<GatewayKey> value(Entry entry) {
        return entry instanceof Present found ? Optional.of(found.key()) : Optional.empty();
    }

    /** Forgets one key's record (it changed). */
    /** How many evictions there have been: a load that started before the latest may hold what a change replaced. */
    long evictions() {
        return evictions.get();
    }

    void evict(String keyId) {
        evictions.incrementAndGet();
        entries.invalidate(keyId);
    }

    /**
     * Whether changes are being notified. When they start (again), everything held is dropped: records kept while
     * notifications were lost may be stale. When they stop, records are kept, but only as a fallback for when the
     * database cannot be reached (see {@link #load}).
     */
    void notificationsArrive(boolean arrive) {
        notified = false;
        if (arrive) {
            evictions.incrementAndGet();
            entries.invalidateAll();
            notified = true;
        }
    }

    boolean trusted() {
        return notified;
    }

    long misses() {
        return misses.sum();
    }

    long hits() {
        return hits.sum();
    }
}
