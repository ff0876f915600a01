package io.keyway.domain.testkit;

import io.keyway.domain.keys.KeyId;
import io.keyway.domain.model.KeyLimits;
import io.keyway.domain.port.LimitCounters;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** Exact limit counters for one process: the reference the shared PostgreSQL ones approximate for tokens and cost. */
public final class InMemoryLimitCounters implements LimitCounters {
    private final Map<String, Long> counts = new HashMap<>();
    private final Map<String, BigDecimal> costs = new HashMap<>();

    @Override
    public synchronized CompletionStage<Admission> admit(KeyId key, KeyLimits limits, Instant now) {
        String minute = key.value() + now.truncatedTo(ChronoUnit.MINUTES);
        String day = key.value() + now.truncatedTo(ChronoUnit.DAYS);
        long requests = counts.getOrDefault(minute, 0L);
        long tokens = counts.getOrDefault("t" + day, 0L);
        String exceeded = null;
        if (limits.tokensPerDay() != null && tokens >= limits.tokensPerDay()) {
            exceeded = "tokens";
        } else if (limits.costPerMonth() != null && costs.getOrDefault(key.value(), BigDecimal.ZERO).compareTo(limits.costPerMonth()) >= 0) {
            exceeded = "cost";
        } else if (limits.requestsPerMinute() != null && requests >= limits.requestsPerMinute()) {
            exceeded = "requests";
        } else {
            counts.put(minute, requests + 1);
        }
        Status status = limits.requestsPerMinute() == null ? null
                : new Status(limits.requestsPerMinute().toString(), Long.toString(Math.max(0, limits.requestsPerMinute() - counts.get(minute) )), 60);
        return CompletableFuture.completedFuture(new Admission(exceeded, exceeded == null ? 0 : 60, status, null, null));
    }

    @Override
    public synchronized void consumed(KeyId key, KeyLimits limits, long tokens, BigDecimal cost, Instant now) {
        counts.merge("t" + key.value() + now.truncatedTo(ChronoUnit.DAYS), tokens, Long::sum);
        costs.merge(key.value(), cost, BigDecimal::add);
    }
}
