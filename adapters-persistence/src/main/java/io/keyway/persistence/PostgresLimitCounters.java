package io.keyway.persistence;

import io.keyway.domain.keys.KeyId;
import io.keyway.domain.model.KeyLimits;
import io.keyway.domain.port.LimitCounters;
import io.micronaut.data.connection.jdbc.advice.DelegatingDataSource;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Limit counters shared through PostgreSQL ({@code limit_counters}) without a round trip per request.
 * <ul>
 * <li>Requests per minute are <b>leased</b>: an instance takes a block of the minute's allowance from the shared row
 * (one transaction, never past the limit) and admits requests from it in memory; a block is a twentieth of the limit
 * (at least 1). So all instances together never admit more than the limit in a minute; they may refuse up to
 * (block − 1) requests per instance early, while another instance holds unused allowance.</li>
 * <li>Tokens per day and cost per month are known only after an answer: each instance adds what its answers used to
 * the shared row every {@code keyway.limits.sync-interval} (1 s) and reads the total back in the same statement. A key
 * is refused once the total it knows reaches the limit, so all instances together can go over it by what the others'
 * answers used within one interval, plus the answers in flight when the limit is reached (their usage is not known
 * in advance).</li>
 * </ul>
 * If PostgreSQL cannot be reached, requests are admitted and counted locally (a limit is not a reason to fail every
 * request of a gateway whose database is away); the shared totals catch up when it returns.
 */
@Singleton
final class PostgresLimitCounters implements LimitCounters, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PostgresLimitCounters.class);
    private static final Duration FORGET_AFTER = Duration.ofHours(2);

    private final DataSource dataSource;
    private final Map<String, KeyState> states = new ConcurrentHashMap<>();
    private final ExecutorService leases = Executors.newFixedThreadPool(2, DaemonThreads.named("keyway-limit-lease"));
    private final ScheduledExecutorService sync = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("keyway-limit-sync"));
    private volatile boolean failing;

    PostgresLimitCounters(DataSource dataSource, LimitSettings settings) {
        this.dataSource = DelegatingDataSource.unwrapDataSource(dataSource);
        long interval = settings.getSyncInterval().toMillis();
        sync.scheduleWithFixedDelay(this::syncQuietly, interval, interval, TimeUnit.MILLISECONDS);
        sync.scheduleWithFixedDelay(this::pruneQuietly, 5, 60, TimeUnit.MINUTES);
    }

    /** One key's view of its windows on this instance. Guarded by its own monitor. */
    private static final class KeyState {
        final String key;
        KeyLimits limits = KeyLimits.NONE;
        Instant minute = Instant.EPOCH;
        long allowance;
        long leasedTotal;
        boolean exhausted;
        Instant day = Instant.EPOCH;
        long tokensShared;
        long tokensLocal;
        Instant month = Instant.EPOCH;
        BigDecimal costShared = BigDecimal.ZERO;
        BigDecimal costLocal = BigDecimal.ZERO;
        Instant lastSeen = Instant.EPOCH;

        KeyState(String key) {
            this.key = key;
        }

        void roll(Instant now) {
            Instant thisMinute = now.truncatedTo(ChronoUnit.MINUTES);
            if (!thisMinute.equals(minute)) {
                minute = thisMinute;
                allowance = 0;
                leasedTotal = 0;
                exhausted = false;
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
    }

    static Instant monthOf(Instant now) {
        return ZonedDateTime.ofInstant(now, ZoneOffset.UTC).withDayOfMonth(1).truncatedTo(ChronoUnit.DAYS).toInstant();
    }

    private static long until(Instant now, Instant end) {
        return Math.max(1, (Duration.between(now, end).toMillis() + 999) / 1000);
    }

    @Override
    public CompletionStage<Admission> admit(KeyId key, KeyLimits limits, Instant now) {
        KeyState state = states.computeIfAbsent(key.value(), KeyState::new);
        synchronized (state) {
            state.limits = limits;
            state.roll(now);
            Admission refused = refusedByUsage(state, now);
            if (refused != null) {
                return CompletableFuture.completedFuture(refused);
            }
            if (limits.requestsPerMinute() == null || state.allowance > 0) {
                return CompletableFuture.completedFuture(take(state, now));
            }
            if (state.exhausted) {
                return CompletableFuture.completedFuture(admission(state, now, "requests", until(now, state.minute.plusSeconds(60))));
            }
        }
        Instant minute = now.truncatedTo(ChronoUnit.MINUTES);
        long limit = limits.requestsPerMinute();
        long block = Math.max(1, (limit + 19) / 20);
        return CompletableFuture.supplyAsync(() -> lease(key.value(), minute, limit, block), leases).thenApply(lease -> {
            synchronized (state) {
                state.roll(now);
                if (lease == null) {
                    // The database is away: admitted, not counted against the shared minute.
                    return admission(state, now, null, 0);
                }
                if (state.minute.equals(minute)) {
                    state.allowance += lease[0];
                    state.leasedTotal = Math.max(state.leasedTotal, lease[1]);
                    state.exhausted = lease[0] == 0 && state.allowance == 0;
                }
                if (state.allowance > 0) {
                    return take(state, now);
                }
                return admission(state, now, "requests", until(now, state.minute.plusSeconds(60)));
            }
        });
    }

    private Admission take(KeyState state, Instant now) {
        if (state.limits.requestsPerMinute() != null) {
            state.allowance--;
        }
        return admission(state, now, null, 0);
    }

    private Admission refusedByUsage(KeyState state, Instant now) {
        KeyLimits limits = state.limits;
        if (limits.tokensPerDay() != null && state.tokensShared + state.tokensLocal >= limits.tokensPerDay()) {
            return admission(state, now, "tokens", until(now, state.day.plus(1, ChronoUnit.DAYS)));
        }
        if (limits.costPerMonth() != null && state.costShared.add(state.costLocal).compareTo(limits.costPerMonth()) >= 0) {
            Instant nextMonth = ZonedDateTime.ofInstant(state.month, ZoneOffset.UTC).plusMonths(1).toInstant();
            return admission(state, now, "cost", until(now, nextMonth));
        }
        return null;
    }

    private static Admission admission(KeyState state, Instant now, String exceeded, long retryAfter) {
        KeyLimits limits = state.limits;
        Status requests = limits.requestsPerMinute() == null ? null : new Status(Long.toString(limits.requestsPerMinute()),
                Long.toString(Math.max(0, limits.requestsPerMinute() - (state.leasedTotal - state.allowance))),
                until(now, state.minute.plusSeconds(60)));
        Status tokens = limits.tokensPerDay() == null ? null : new Status(Long.toString(limits.tokensPerDay()),
                Long.toString(Math.max(0, limits.tokensPerDay() - state.tokensShared - state.tokensLocal)),
                until(now, state.day.plus(1, ChronoUnit.DAYS)));
        Status cost = limits.costPerMonth() == null ? null : new Status(limits.costPerMonth().toPlainString(),
                limits.costPerMonth().subtract(state.costShared).subtract(state.costLocal).max(BigDecimal.ZERO).toPlainString(),
                until(now, ZonedDateTime.ofInstant(state.month, ZoneOffset.UTC).plusMonths(1).toInstant()));
        return new Admission(exceeded, retryAfter, requests, tokens, cost);
    }

    @Override
    public void consumed(KeyId key, KeyLimits limits, long tokens, BigDecimal cost, Instant now) {
        if (limits.tokensPerDay() == null && limits.costPerMonth() == null) {
            return;
        }
        KeyState state = states.computeIfAbsent(key.value(), KeyState::new);
        synchronized (state) {
            state.limits = limits;
            state.roll(now);
            state.tokensLocal += tokens;
            state.costLocal = state.costLocal.add(cost);
        }
    }

    /** Takes up to {@code block} of the minute's requests from the shared row: {granted, total leased}, or null if unreachable. */
    private long[] lease(String key, Instant minute, long limit, long block) {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                try (PreparedStatement create = connection.prepareStatement("INSERT INTO limit_counters (key_id, kind, window_start, amount) "
                        + "VALUES (?, 'requests', ?, 0) ON CONFLICT DO NOTHING")) {
                    create.setString(1, key);
                    create.setTimestamp(2, Timestamp.from(minute));
                    create.executeUpdate();
                }
                long leased;
                try (PreparedStatement lock = connection.prepareStatement("SELECT amount FROM limit_counters "
                        + "WHERE key_id = ? AND kind = 'requests' AND window_start = ? FOR UPDATE")) {
                    lock.setString(1, key);
                    lock.setTimestamp(2, Timestamp.from(minute));
                    try (ResultSet row = lock.executeQuery()) {
                        row.next();
                        leased = row.getLong(1);
                    }
                }
                long granted = Math.max(0, Math.min(block, limit - leased));
                if (granted > 0) {
                    try (PreparedStatement take = connection.prepareStatement("UPDATE limit_counters SET amount = amount + ? "
                            + "WHERE key_id = ? AND kind = 'requests' AND window_start = ?")) {
                        take.setLong(1, granted);
                        take.setString(2, key);
                        take.setTimestamp(3, Timestamp.from(minute));
                        take.executeUpdate();
                    }
                }
                connection.commit();
                recovered();
                return new long[]{granted, leased + granted};
            } catch (SQLException | RuntimeException failed) {
                connection.rollback();
                throw failed;
            }
        } catch (SQLException | RuntimeException unreachable) {
            failed(unreachable);
            return null;
        }
    }

    private void syncQuietly() {
        try {
            syncNow();
        } catch (RuntimeException unexpected) {
            LOG.warn("limit counters: {}", unexpected.toString());
        }
    }

    /** Adds each key's local tokens and cost to the shared rows and reads the totals back. */
    void syncNow() {
        Instant now = Instant.now();
        for (KeyState state : states.values()) {
            long tokens;
            BigDecimal cost;
            Instant day;
            Instant month;
            KeyLimits limits;
            synchronized (state) {
                if (state.lastSeen.isBefore(now.minus(FORGET_AFTER)) && state.tokensLocal == 0 && state.costLocal.signum() == 0) {
                    states.remove(state.key, state);
                    continue;
                }
                limits = state.limits;
                tokens = state.tokensLocal;
                cost = state.costLocal;
                day = state.day;
                month = state.month;
            }
            try (Connection connection = dataSource.getConnection()) {
                Long tokensTotal = limits.tokensPerDay() == null ? null : add(connection, state.key, "tokens", day, BigDecimal.valueOf(tokens)).longValue();
                BigDecimal costTotal = limits.costPerMonth() == null ? null : add(connection, state.key, "cost", month, cost);
                synchronized (state) {
                    if (tokensTotal != null && state.day.equals(day)) {
                        state.tokensLocal -= tokens;
                        state.tokensShared = tokensTotal;
                    }
                    if (costTotal != null && state.month.equals(month)) {
                        state.costLocal = state.costLocal.subtract(cost);
                        state.costShared = costTotal;
                    }
                }
                recovered();
            } catch (SQLException | RuntimeException unreachable) {
                failed(unreachable);
                return;
            }
        }
    }

    private static BigDecimal add(Connection connection, String key, String kind, Instant window, BigDecimal amount) throws SQLException {
        try (PreparedStatement upsert = connection.prepareStatement("INSERT INTO limit_counters (key_id, kind, window_start, amount) "
                + "VALUES (?, ?, ?, ?) ON CONFLICT (key_id, kind, window_start) DO UPDATE SET amount = limit_counters.amount + EXCLUDED.amount "
                + "RETURNING amount")) {
            upsert.setString(1, key);
            upsert.setString(2, kind);
            upsert.setTimestamp(3, Timestamp.from(window));
            upsert.setBigDecimal(4, amount);
            try (ResultSet row = upsert.executeQuery()) {
                row.next();
                return row.getBigDecimal(1);
            }
        }
    }

    private void pruneQuietly() {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement prune = connection.prepareStatement("DELETE FROM limit_counters WHERE window_start < ?")) {
            prune.setTimestamp(1, Timestamp.from(Instant.now().minus(Duration.ofDays(40))));
            prune.executeUpdate();
        } catch (SQLException | RuntimeException failure) {
            LOG.debug("limit counters not pruned: {}", failure.toString());
        }
    }

    private void failed(Exception cause) {
        if (!failing) {
            failing = true;
            LOG.warn("limit counters cannot reach the database: requests are admitted and counted locally until it returns: {}", cause.toString());
        }
    }

    private void recovered() {
        if (failing) {
            failing = false;
            LOG.info("limit counters reach the database again");
        }
    }

    @PreDestroy
    @Override
    public void close() {
        sync.shutdownNow();
        leases.shutdownNow();
        try {
            sync.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        syncNow();
    }
}
