package io.keyway.domain.testkit;

import io.keyway.domain.port.LimitStore;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Limit counters kept in one process's memory: the store the core's tests share between "instances". It can be made
 * unreachable, as a database can be.
 */
public final class InMemoryLimitStore implements LimitStore {
    private final Map<String, BigDecimal> counters = new HashMap<>();
    private volatile boolean reachable = true;

    @Override
    public synchronized Optional<Lease> lease(String key, Instant minute, long limit, long block) {
        if (!reachable) {
            return Optional.empty();
        }
        String counter = key + "/requests/" + minute;
        long taken = counters.getOrDefault(counter, BigDecimal.ZERO).longValue();
        long granted = Math.max(0, Math.min(block, limit - taken));
        counters.put(counter, BigDecimal.valueOf(taken + granted));
        return Optional.of(new Lease(granted, taken + granted));
    }

    @Override
    public synchronized Optional<BigDecimal> add(String key, Kind kind, Instant window, BigDecimal amount) {
        if (!reachable) {
            return Optional.empty();
        }
        return Optional.of(counters.merge(key + "/" + kind.stored() + "/" + window, amount, BigDecimal::add));
    }

    @Override
    public synchronized void forgetBefore(Instant before) {
        counters.keySet().removeIf(counter -> Instant.parse(counter.substring(counter.lastIndexOf('/') + 1)).isBefore(before));
    }

    /** Makes the store answer as an unreachable database does (or reachable again). */
    public void reachable(boolean reachable) {
        this.reachable = reachable;
    }
}
