package io.keyway.persistence;

import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import io.micronaut.scheduling.annotation.Scheduled;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/** Prunes audit rows older than {@code keyway.audit.retention} (400 days by default) every hour. */
@Singleton
@Requires(notEnv = "cli")
final class AuditRetention {
    private static final Logger LOG = LoggerFactory.getLogger(AuditRetention.class);
    private final AuditSql audit;
    private final Duration retention;
    private final Clock clock;

    AuditRetention(AuditSql audit, @Value("${keyway.audit.retention:400d}") Duration retention, Optional<Clock> clock) {
        this.audit = audit;
        this.retention = retention;
        this.clock = clock.orElse(Clock.systemUTC());
    }

    @Scheduled(initialDelay = "1m", fixedDelay = "1h")
    void prune() {
        try {
            int pruned = audit.prune(clock.instant().minus(retention));
            if (pruned > 0) {
                LOG.info("audit rows older than {} pruned: {}", retention, pruned);
            }
        } catch (RuntimeException failure) {
            LOG.warn("audit rows could not be pruned (tried again in an hour): {}", failure.toString());
        }
    }
}
