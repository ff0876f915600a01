package io.keyway.domain.limits;

import io.keyway.domain.keys.KeyId;
import io.keyway.domain.model.KeyLimits;
import io.keyway.domain.port.LimitCounters;
import io.keyway.domain.port.LimitStore;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * Keys' limits shared through a {@link LimitStore} without a round trip per request: {@link LimitWindows} decides,
 * the store keeps the totals every instance shares. A request waits for the store only when its key's leased
 * allowance for the minute is spent (on {@code leases}, never the caller's thread); tokens and cost go to the store
 * when {@link #sync} runs (every {@code keyway.limits.sync-interval}, scheduled by whoever runs this).
 */
public final class SharedLimitCounters implements LimitCounters {
    /** Windows older than this are dropped from the store. */
    static final Duration KEEP_WINDOWS = Duration.ofDays(40);

    private final LimitWindows windows = new LimitWindows();
    private final LimitStore store;
    private final Clock clock;
    private final Executor leases;

    public SharedLimitCounters(LimitStore store, Clock clock, Executor leases) {
        this.store = store;
        this.clock = clock;
        this.leases = leases;
    }

    @Override
    public CompletionStage<Admission> admit(KeyId key, KeyLimits limits, Instant now) {
        LimitWindows.Decision decision = windows.admit(key, limits, now);
        if (decision instanceof LimitWindows.Decision.Decided decided) {
            return CompletableFuture.completedFuture(decided.admission());
        }
        LimitWindows.Decision.NeedsLease needs = (LimitWindows.Decision.NeedsLease) decision;
        return CompletableFuture.supplyAsync(() -> store.lease(key.value(), needs.minute(), needs.limit(), needs.block()), leases)
                .thenApply(lease -> windows.leased(key, needs.minute(), lease.orElse(null), now));
    }

    @Override
    public void consumed(KeyId key, KeyLimits limits, long tokens, BigDecimal cost, Instant now) {
        windows.consumed(key, limits, tokens, cost, now);
    }

    /**
     * Adds each key's local tokens and cost to the store and reads the totals back. Blocks on the store; stops at the
     * first key the store cannot take (the rest stays local until the next sync).
     */
    public void sync() {
        for (LimitWindows.Pending pending : windows.pending(clock.instant())) {
            Long tokens = null;
            BigDecimal cost = null;
            if (pending.limits().tokensPerDay() != null) {
                Optional<BigDecimal> total = store.add(pending.key(), LimitStore.Kind.TOKENS, pending.day(), BigDecimal.valueOf(pending.tokens()));
                if (total.isEmpty()) {
                    return;
                }
                tokens = total.get().longValue();
            }
            if (pending.limits().costPerMonth() != null) {
                Optional<BigDecimal> total = store.add(pending.key(), LimitStore.Kind.COST, pending.month(), pending.cost());
                if (total.isEmpty()) {
                    // The tokens were added: they must not be added again.
                    windows.pushed(pending, tokens, null);
                    return;
                }
                cost = total.get();
            }
            windows.pushed(pending, tokens, cost);
        }
    }

    /** Drops the store's windows that no limit reads any more. */
    public void prune() {
        store.forgetBefore(clock.instant().minus(KEEP_WINDOWS));
    }
}
