package io.keyway.persistence;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.keyway.domain.model.GatewayKey;
import io.keyway.domain.port.KeyVaultUnavailable;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
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
        /** When it was read from the database (the cache's clock). */
        long readAt();
    }

    private record Present(GatewayKey key, long readAt) implements Entry {
    }

    private record Absent(long readAt) implements Entry {
    }
    /** After a failed read, how long lookups do not ask the database again (a miss answers 503 at once meanwhile). */
    private static final long RETRY_UNREACHABLE_AFTER = java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(250);

    private final KeyCacheSettings settings;
    private final LongSupplier clock;
    private final long maxAge;
    private final long outageGrace;
    private final Cache<String, Entry> entries;
    private final AtomicLong evictions = new AtomicLong();
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private final LongAdder standIns = new LongAdder();

    private volatile boolean notified;
    /** When notifications last started: an entry read before then is served only as a stand-in. */
    private volatile long notifiedSince;
    private volatile long unreachableAt;
    /** Whether the last read of the database failed: records are then served unconfirmed, within the grace. */
    private volatile boolean unreachable;

    @Inject
    KeyRecordCache(KeyCacheSettings settings, KeyOutageSettings outage) {
        this(settings, outage, System::nanoTime);
    }

    KeyRecordCache(KeyCacheSettings settings, KeyOutageSettings outage, LongSupplier clock) {
        this.settings = settings;
        this.clock = clock;
        this.maxAge = settings.getMaxAge().toNanos();
        this.outageGrace = Math.max(0, outage.getOutageGrace().toNanos());
        this.unreachableAt = clock.getAsLong() - RETRY_UNREACHABLE_AFTER;
        // A record is kept past its maximum age, up to the outage grace, as a stand-in for a database that is away;
        // it is not served while the database answers.
        long kept = Math.max(maxAge, outageGrace);
        long absent = settings.getNegativeTtl().toNanos();
        this.entries = Caffeine.newBuilder()
                // Maintenance on the calling thread (amortised, a few entries at a time): on the default executor every
                // few reads woke a ForkJoinPool thread, a context switch on the event loop's core.
                .executor(Runnable::run)
                .ticker(clock::getAsLong)
                .maximumSize(settings.getMaximumSize())
                .expireAfter(new Expiry<String, Entry>() {
                    @Override
                    public long expireAfterCreate(String key, Entry entry, long now) {
                        return entry instanceof Present ? kept : absent;
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

    /** What memory knows of {@code keyId} and may serve as it is (notified of changes, within the maximum age), or null. */
    Known atHand(String keyId) {
        if (!settings.isEnabled() || !notified) {
            return null;
        }
        Entry entry = entries.getIfPresent(keyId);
        if (entry == null || entry.readAt() - notifiedSince < 0
                || entry instanceof Present && clock.getAsLong() - entry.readAt() > maxAge) {
            misses.increment();
            return null;
        }
        hits.increment();
        return new Known(value(entry));
    }

    /**
     * While the database's last read failed: what memory last read of {@code keyId}, if that was within the outage
     * grace, to serve unconfirmed without waiting for the database; else null. A record evicted by a change is never
     * a stand-in.
     */
    Known standIn(String keyId) {
        if (!unreachable) {
            return null;
        }
        Entry entry = fallback(keyId);
        if (entry == null) {
            return null;
        }
        standIns.increment();
        return new Known(value(entry));
    }

    private Entry fallback(String keyId) {
        if (!settings.isEnabled() || outageGrace == 0) {
            return null;
        }
        Entry entry = entries.getIfPresent(keyId);
        if (entry instanceof Present present && clock.getAsLong() - present.readAt() > outageGrace) {
            return null;
        }
        return entry;
    }

    /**
     * Loads {@code keyId} and keeps the answer, unless an eviction overlapped the load. When the database cannot be
     * reached, a record read within the outage grace is served instead of failing, and for 250 ms after a failure
     * the database is not asked again.
     */
    Optional<GatewayKey> load(String keyId, Supplier<Optional<GatewayKey>> load) {
        if (!settings.isEnabled()) {
            return load.get();
        }
        Entry fallback = fallback(keyId);
        if (clock.getAsLong() - unreachableAt < RETRY_UNREACHABLE_AFTER) {
            if (fallback != null) {
                standIns.increment();
                return value(fallback);
            }
            throw new KeyVaultUnavailable("The key database was unreachable a moment ago.", null);
        }
        long before = evictions.get();
        try {
            Optional<GatewayKey> loaded = load.get();
            unreachable = false;
            if (evictions.get() == before) {
                long readAt = clock.getAsLong();
                entries.put(keyId, loaded.<Entry>map(key -> new Present(key, readAt)).orElse(new Absent(readAt)));
                // An eviction between the check above and the put would have found nothing to remove and left what
                // this load read (from before the change) in place for the whole maximum age: checked again after.
                if (evictions.get() != before) {
                    entries.invalidate(keyId);
                }
            }
            return loaded;
        } catch (KeyVaultUnavailable failed) {
            unreachableAt = clock.getAsLong();
            unreachable = true;
            if (fallback != null) {
                standIns.increment();
                return value(fallback);
            }
            throw failed;
        }
    }

    private static Optional<GatewayKey> value(Entry entry) {
        return entry instanceof Present found ? Optional.of(found.key()) : Optional.empty();
    }

    /** How many evictions there have been: a load that started before the latest may hold what a change replaced. */
    long evictions() {
        return evictions.get();
    }

    /** Forgets one key's record (it changed). */
    void evict(String keyId) {
        evictions.incrementAndGet();
        entries.invalidate(keyId);
    }

    /**
     * Whether changes are being notified. When they stop, records are kept, unconfirmed: each is read again on its
     * next use, and served as it is only as a stand-in while the database cannot be reached (see {@link #load}). When
     * they start (again), records read before are still unconfirmed (a change may have gone unnoticed meanwhile), and
     * a load that overlapped the start is not kept.
     */
    void notificationsArrive(boolean arrive) {
        notified = false;
        if (arrive) {
            evictions.incrementAndGet();
            notifiedSince = clock.getAsLong();
            // The listener reached the database: the next lookup need not wait out the pause after a failure.
            unreachableAt = notifiedSince - RETRY_UNREACHABLE_AFTER;
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

    /** Records served unconfirmed because the database could not be reached. */
    long standIns() {
        return standIns.sum();
    }
}
