package io.keyway.persistence;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.keyway.domain.audit.AuditActor;
import io.keyway.domain.audit.SecurityEvents;
import io.keyway.domain.keys.KeyId;
import io.keyway.domain.model.AccountId;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Puts security events on the audit trail from one background thread with a bounded queue, so that neither the
 * request that caused one (often on the event loop) waits for the database, nor a flood of them holds memory: past
 * 1,000 waiting, an event is dropped and a warning logged. The actor is taken on the caller's thread, where the request
 * is known.
 * <p>
 * An expired key is recorded once ({@link AuditSql#appendOnce}, checked in the database, so a restart or a second
 * instance adds no second row); the keys already recorded here are remembered (at most 10,000) so that a client
 * retrying with an expired key costs no query per refusal.
 */
@Singleton
final class AuditedSecurityEvents implements SecurityEvents {
    private static final Logger LOG = LoggerFactory.getLogger(AuditedSecurityEvents.class);
    static final String EXPIRED = "gateway_key.expired";
    static final String LOCKED_OUT = "auth.locked_out";

    private final AuditSql audit;
    private final ThreadPoolExecutor writer = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(1_000),
            DaemonThreads.named("keyway-audit-events"));
    private final Cache<String, Boolean> expiredNoted = Caffeine.newBuilder().executor(Runnable::run).maximumSize(10_000).build();

    AuditedSecurityEvents(AuditSql audit) {
        this.audit = audit;
    }

    @Override
    public void expiredKeyRefused(AccountId account, KeyId key, Instant expiredAt) {
        String id = key.value();
        if (expiredNoted.asMap().putIfAbsent(id, Boolean.TRUE) != null) {
            return;
        }
        AuditActor actor = audit.currentActor();
        submit(() -> {
            try {
                audit.appendOnce(actor, account.value(), EXPIRED, id, Map.of("expired_at", expiredAt.toString()));
            } catch (RuntimeException e) {
                // Tried again at the next refusal.
                expiredNoted.invalidate(id);
                throw e;
            }
        }, () -> expiredNoted.invalidate(id));
    }

    @Override
    public void lockedOut(String clientAddress, Set<String> keyIds, int failures, Instant until) {
        AuditActor actor = audit.currentActor();
        AuditActor system = new AuditActor(AuditActor.SYSTEM.actor(), clientAddress, actor.requestId());
        Set<String> ids = Set.copyOf(keyIds);
        submit(() -> {
            // One row per account, naming the account's keys that were tried.
            Map<UUID, SortedSet<String>> byAccount = audit.owners(ids);
            if (byAccount.isEmpty()) {
                LOG.info("client {} locked out until {} after {} failed authentications (no existing key presented)", clientAddress, until, failures);
            }
            byAccount.forEach((account, tried) -> audit.appendAlone(system, account, LOCKED_OUT, tried.size() == 1 ? tried.iterator().next() : null,
                    Map.of("client_address", String.valueOf(clientAddress), "failures", failures, "until", until.toString(),
                            "keys_tried", String.join(",", tried))));
        }, () -> {
        });
    }

    private void submit(Runnable write, Runnable dropped) {
        try {
            writer.execute(() -> {
                try {
                    write.run();
                } catch (RuntimeException e) {
                    LOG.warn("a security event could not be put on the audit trail: {}", e.getClass().getSimpleName());
                }
            });
        } catch (RejectedExecutionException e) {
            dropped.run();
            LOG.warn("a security event was dropped: 1,000 are waiting to be put on the audit trail");
        }
    }

    @PreDestroy
    void close() {
        writer.shutdown();
    }
}
