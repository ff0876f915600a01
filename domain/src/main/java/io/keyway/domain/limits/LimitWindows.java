package io.keyway.domain.limits;

import io.keyway.domain.keys.KeyId;
import io.keyway.domain.model.KeyLimits;
import io.keyway.domain.port.LimitCounters.Admission;
import io.keyway.domain.port.LimitCounters.Exceeded;
import io.keyway.domain.port.LimitCounters.Status;
import io.keyway.domain.port.LimitStore;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The rules of keys' limits on one instance, as pure functions of the time they are given: no clock, no I/O.
 * <ul>
 * <li>Windows: requests count in each UTC minute (from its first second), tokens in each UTC day, cost in each UTC
 * calendar month; each resets when the next begins, and a refusal's retry-after is the time to that reset.</li>
 * <li>Requests are <b>leased</b>: an instance takes a block of the minute's allowance from the shared store (a
 * twentieth of the limit, at least 1) and admits from it in memory. Together the instances never admit more than the
 * limit in a minute; an instance may refuse early while another holds unused allowance. Whatever the leases, a key
 * is never admitted past its limit as it stands now (a limit lowered mid-minute counts what was already used).</li>
 * <li>Tokens and cost are known only after an answer: they are counted locally, pushed to the store with
 * {@link #pending}/{@link #pushed}, and the store's totals read back. A key is refused once the total it knows
 * reaches its limit.</li>
 * </ul>
 * Thread-safe: each key's window is guarded by its own monitor.
 */
public final class LimitWindows {
    /** A key unseen for this long, with nothing left to push, is forgotten. */
    static final Duration FORGET_AFTER = Duration.ofHours(2);

    private final Map<String, Window> windows = new ConcurrentHashMap<>();

    /** What admitting one request takes: decided from memory, or a lease from the store first. */
    public sealed interface Decision {
        record Decided(Admission admission) implements Decision {
        }

        /** Take up to {@code block} of {@code minute}'s {@code limit} from the store, then call {@link #leased}. */
        record NeedsLease(Instant minute, long limit, long block) implements Decision {
        }
    }

    /** A key's tokens and cost counted here and not yet in the store's totals. */
    public record Pending(String key, KeyLimits limits, Instant day, long tokens, Instant month, BigDecimal cost) {
    }

    public Decision admit(KeyId key, KeyLimits limits, Instant now) {
        Window window = window(key.value());
        synchronized (window) {
            window.limits = limits;
            window.roll(now);
            Admission refused = window.refusedByUsage(now);
            if (refused != null) {
                return new Decision.Decided(refused);
            }
            Long limit = limits.requestsPerMinute();
            if (limit == null) {
                return new Decision.Decided(window.admission(now, null, 0));
            }
            if (window.used() >= limit) {
                return new Decision.Decided(window.refusedForRequests(now));
            }
            if (window.allowance > 0) {
                return new Decision.Decided(window.take(now));
            }
            if (window.exhaustedAt == limit) {
                return new Decision.Decided(window.refusedForRequests(now));
            }
            return new Decision.NeedsLease(window.minute, limit, Math.max(1, (limit + 19) / 20));
        }
    }

    /**
     * Decides a request that needed a lease, with what the store granted ({@code null} when it could not be reached:
     * then the request is admitted and counted here only; a limit is no reason to fail every request while the
     * database is away).
     */
    public Admission leased(KeyId key, Instant minute, LimitStore.Lease lease, Instant now) {
        Window window = window(key.value());
        synchronized (window) {
            window.roll(now);
            if (lease == null) {
                return window.admission(now, null, 0);
            }
            Long limit = window.limits.requestsPerMinute();
            if (window.minute.equals(minute)) {
                window.allowance += lease.granted();
                window.leased += lease.granted();
                window.takenEverywhere = Math.max(window.takenEverywhere, lease.taken());
                window.exhaustedAt = lease.granted() == 0 && window.allowance == 0 && limit != null ? limit : -1;
            }
            if (limit == null) {
                return window.admission(now, null, 0);
            }
            if (window.allowance > 0 && window.used() < limit) {
                return window.take(now);
            }
            return window.refusedForRequests(now);
        }
    }

    /** What an admitted request used, as the upstream reported it. */
    public void consumed(KeyId key, KeyLimits limits, long tokens, BigDecimal cost, Instant now) {
        if (limits.tokensPerDay() == null && limits.costPerMonth() == null) {
            return;
        }
        Window window = window(key.value());
        synchronized (window) {
            window.limits = limits;
            window.roll(now);
            window.tokensLocal += tokens;
            window.costLocal = window.costLocal.add(cost);
        }
    }

    /** Each key's usage to push to the store; keys idle since {@link #FORGET_AFTER} with nothing to push are forgotten. */
    public List<Pending> pending(Instant now) {
        List<Pending> pending = new ArrayList<>();
        for (Window window : windows.values()) {
            synchronized (window) {
                if (window.lastSeen.isBefore(now.minus(FORGET_AFTER)) && window.tokensLocal == 0 && window.costLocal.signum() == 0) {
                    windows.remove(window.key, window);
                    continue;
                }
                if (window.limits.tokensPerDay() != null || window.limits.costPerMonth() != null) {
                    pending.add(new Pending(window.key, window.limits, window.day, window.tokensLocal, window.month, window.costLocal));
                }
            }
        }
        return pending;
    }

    /**
     * What the store said after {@code pushed} was added: the totals of the day's tokens and the month's cost (null
     * for a quantity the key does not limit). Usage counted since the push stays local; a window that rolled over
     * meanwhile keeps its fresh count.
     */
    public void pushed(Pending pushed, Long tokensTotal, BigDecimal costTotal) {
        Window window = windows.get(pushed.key());
        if (window == null) {
            return;
        }
        synchronized (window) {
            if (tokensTotal != null && window.day.equals(pushed.day())) {
                window.tokensLocal -= pushed.tokens();
                window.tokensShared = tokensTotal;
            }
            if (costTotal != null && window.month.equals(pushed.month())) {
                window.costLocal = window.costLocal.subtract(pushed.cost());
                window.costShared = costTotal;
            }
        }
    }

    static Instant monthOf(Instant now) {
        return ZonedDateTime.ofInstant(now, ZoneOffset.UTC).withDayOfMonth(1).truncatedTo(ChronoUnit.DAYS).toInstant();
    }

    private Window window(String key) {
        return windows.computeIfAbsent(key, Window::new);
    }

    /** Whole seconds from {@code now} to {@code end}, at least 1. */
    private static long until(Instant now, Instant end) {
        return Math.max(1, (Duration.between(now, end).toMillis() + 999) / 1000);
    }

    /** One key's view of its windows on this instance. Guarded by its own monitor. */
    private static final class Window {
        final String key;
        KeyLimits limits = KeyLimits.NONE;
        Instant minute = Instant.EPOCH;
        /** Requests leased to this instance and not yet admitted. */
        long allowance;
        /** Requests leased to this instance this minute. */
        long leased;
        /** The minute's total taken by every instance, as of this instance's last lease. */
        long takenEverywhere;
        /** The limit at which the store last had nothing left to lease this minute, or -1. */
        long exhaustedAt = -1;
        Instant day = Instant.EPOCH;
        long tokensShared;
        long tokensLocal;
        Instant month = Instant.EPOCH;
        BigDecimal costShared = BigDecimal.ZERO;
        BigDecimal costLocal = BigDecimal.ZERO;
        Instant lastSeen = Instant.EPOCH;

        Window(String key) {
            this.key = key;
        }

        void roll(Instant now) {
            Instant thisMinute = now.truncatedTo(ChronoUnit.MINUTES);
            if (!thisMinute.equals(minute)) {
                minute = thisMinute;
                allowance = 0;
                leased = 0;
                takenEverywhere = 0;
                exhaustedAt = -1;
            }
            Instant thisDay = now.truncatedTo(ChronoUnit.DAYS);
            if (!thisDay.equals(day)) {
                day = thisDay;
                tokensShared = 0;
                tokensLocal = 0;
            }
            Instant thisMonth = monthOf(now);
            if (!thisMonth.equals(month)) {
                month = thisMonth;
                costShared = BigDecimal.ZERO;
                costLocal = BigDecimal.ZERO;
            }
            lastSeen = now;
        }

        /** Requests of this minute admitted (by every instance, as far as this one knows). */
        long used() {
            return Math.max(takenEverywhere, leased) - allowance;
        }

        Admission take(Instant now) {
            allowance--;
            return admission(now, null, 0);
        }

        Admission refusedForRequests(Instant now) {
            return admission(now, Exceeded.REQUESTS, until(now, minute.plusSeconds(60)));
        }

        Admission refusedByUsage(Instant now) {
            if (limits.tokensPerDay() != null && tokensShared + tokensLocal >= limits.tokensPerDay()) {
                return admission(now, Exceeded.TOKENS, until(now, day.plus(1, ChronoUnit.DAYS)));
            }
            if (limits.costPerMonth() != null && costShared.add(costLocal).compareTo(limits.costPerMonth()) >= 0) {
                return admission(now, Exceeded.COST, until(now, nextMonth()));
            }
            return null;
        }

        Instant nextMonth() {
            return ZonedDateTime.ofInstant(month, ZoneOffset.UTC).plusMonths(1).toInstant();
        }

        Admission admission(Instant now, Exceeded exceeded, long retryAfter) {
            Status requests = limits.requestsPerMinute() == null ? null : new Status(Long.toString(limits.requestsPerMinute()),
                    Long.toString(Math.max(0, limits.requestsPerMinute() - used())), until(now, minute.plusSeconds(60)));
            Status tokens = limits.tokensPerDay() == null ? null : new Status(Long.toString(limits.tokensPerDay()),
                    Long.toString(Math.max(0, limits.tokensPerDay() - tokensShared - tokensLocal)), until(now, day.plus(1, ChronoUnit.DAYS)));
            Status cost = limits.costPerMonth() == null ? null : new Status(limits.costPerMonth().toPlainString(),
                    limits.costPerMonth().subtract(costShared).subtract(costLocal).max(BigDecimal.ZERO).toPlainString(),
                    until(now, nextMonth()));
            return new Admission(exceeded, retryAfter, requests, tokens, cost);
        }
    }
}
