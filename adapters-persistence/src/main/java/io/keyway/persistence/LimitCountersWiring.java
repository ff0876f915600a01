package io.keyway.persistence;

import io.keyway.domain.keys.KeyId;
import io.keyway.domain.limits.SharedLimitCounters;
import io.keyway.domain.model.KeyLimits;
import io.keyway.domain.port.LimitCounters;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The domain's limit counters over PostgreSQL, with the threads they need: two for leases (a JDBC round trip, never
 * on the event loop) and one that shares tokens and cost every {@code keyway.limits.sync-interval} and prunes old
 * windows. At stop, what is counted locally is shared one last time.
 */
@Factory
final class LimitCountersWiring {
    private static final Logger LOG = LoggerFactory.getLogger(LimitCountersWiring.class);

    /** The counters and their threads, stopped together. */
    static final class Running implements LimitCounters, AutoCloseable {
        private final SharedLimitCounters counters;
        private final ExecutorService leases;
        private final ScheduledExecutorService sync;

        Running(PostgresLimitStore store, Clock clock, LimitSettings settings) {
            this.leases = Executors.newFixedThreadPool(2, DaemonThreads.named("keyway-limit-lease"));
            this.sync = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("keyway-limit-sync"));
            this.counters = new SharedLimitCounters(store, clock, leases);
            long interval = settings.getSyncInterval().toMillis();
            sync.scheduleWithFixedDelay(this::syncQuietly, interval, interval, TimeUnit.MILLISECONDS);
            sync.scheduleWithFixedDelay(counters::prune, 5, 60, TimeUnit.MINUTES);
        }

        @Override
        public CompletionStage<Admission> admit(KeyId key, KeyLimits limits,
                                                                      Instant now) {
            return counters.admit(key, limits, now);
        }

        @Override
        public void consumed(KeyId key, KeyLimits limits, long tokens, BigDecimal cost,
                             Instant now) {
            counters.consumed(key, limits, tokens, cost, now);
        }

        private void syncQuietly() {
            try {
                counters.sync();
            } catch (RuntimeException unexpected) {
                LOG.warn("limit counters: {}", unexpected.toString());
            }
        }

        @Override
        public void close() {
            sync.shutdownNow();
            leases.shutdownNow();
            try {
                sync.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            syncQuietly();
        }
    }

    @Singleton
    @Bean(preDestroy = "close")
    Running limitCounters(PostgresLimitStore store, Clock clock, LimitSettings settings) {
        return new Running(store, clock, settings);
    }
}
