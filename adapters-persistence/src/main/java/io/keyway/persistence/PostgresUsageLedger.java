package io.keyway.persistence;

import io.keyway.domain.port.UsageLedger;
import io.keyway.domain.usage.TokenUsage;
import io.keyway.domain.usage.UsageQuery;
import io.keyway.domain.usage.UsageRecord;
import io.keyway.domain.usage.UsageTotals;
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
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Usage records queued in memory by the request that ends ({@link #record} is a lock-free offer) and written by one
 * background thread every {@code keyway.usage.flush-interval} in one batched transaction. While PostgreSQL cannot take
 * them they stay queued (up to {@code maximum-queued}) and are written when it returns; stopping the gateway writes
 * what is queued before the database connection closes. A crash loses at most one interval's records.
 */
@Singleton
final class PostgresUsageLedger implements UsageLedger, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PostgresUsageLedger.class);
    private static final int BATCH = 5_000;
    private static final String INSERT = "INSERT INTO usage_records (at, account_id, key_id, model, upstream, endpoint, status, "
            + "latency_ms, streamed, outcome, prompt_tokens, completion_tokens, total_tokens, cached_tokens, reasoning_tokens, cost) "
            + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

    private final DataSource dataSource;
    private final UsageSettings settings;
    private final ConcurrentLinkedQueue<UsageRecord> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong written = new AtomicLong();
    /** Taken from the queue but not yet written (the database refused them): written first next time. */
    private final Deque<UsageRecord> retrying = new ArrayDeque<>();
    private final ScheduledExecutorService writer = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("keyway-usage-writer"));
    private volatile boolean failing;

    PostgresUsageLedger(DataSource dataSource, UsageSettings settings) {
        this.dataSource = DelegatingDataSource.unwrapDataSource(dataSource);
        this.settings = settings;
        long interval = settings.getFlushInterval().toMillis();
        writer.scheduleWithFixedDelay(this::flushQuietly, interval, interval, TimeUnit.MILLISECONDS);
        writer.scheduleWithFixedDelay(this::pruneQuietly, 1, 60, TimeUnit.MINUTES);
    }

    @Override
    public void record(UsageRecord record) {
        if (queued.incrementAndGet() > settings.getMaximumQueued()) {
            queued.decrementAndGet();
            if (dropped.getAndIncrement() % 10_000 == 0) {
                LOG.warn("usage queue full ({} records waiting for the database): {} usage records dropped so far",
                        settings.getMaximumQueued(), dropped.get());
            }
            return;
        }
        queue.offer(record);
    }

    /** Records written since start, and dropped because the queue was full (for metrics and tests). */
    long written() {
        return written.get();
    }

    long dropped() {
        return dropped.get();
    }

    int waiting() {
        return queued.get();
    }

    private void flushQuietly() {
        try {
            flush();
        } catch (RuntimeException unexpected) {
            LOG.warn("usage writer: {}", unexpected.toString());
        }
    }

    /** Writes everything queued, batch by batch; on a database failure keeps the rest for the next interval. */
    synchronized void flush() {
        while (true) {
            List<UsageRecord> batch = new ArrayList<>(BATCH);
            while (batch.size() < BATCH && !retrying.isEmpty()) {
                batch.add(retrying.pollFirst());
            }
            while (batch.size() < BATCH) {
                UsageRecord next = queue.poll();
                if (next == null) {
                    break;
                }
                batch.add(next);
            }
            if (batch.isEmpty()) {
                return;
            }
            try {
                insert(batch);
                queued.addAndGet(-batch.size());
                written.addAndGet(batch.size());
                if (failing) {
                    failing = false;
                    LOG.info("usage records are written again ({} were waiting)", batch.size() + queued.get());
                }
            } catch (SQLException | RuntimeException failure) {
                for (int i = batch.size() - 1; i >= 0; i--) {
                    retrying.addFirst(batch.get(i));
                }
                if (!failing) {
                    failing = true;
                    LOG.warn("usage records could not be written ({} waiting, kept in memory and retried every {}): {}",
                            queued.get(), settings.getFlushInterval(), failure.toString());
                }
                return;
            }
        }
    }

    private void insert(List<UsageRecord> batch) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            boolean autoCommit = connection.getAutoCommit();
            connection.setAutoCommit(false);
            try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
                for (UsageRecord record : batch) {
                    TokenUsage usage = record.usage();
                    insert.setTimestamp(1, Timestamp.from(record.at()));
                    insert.setObject(2, record.account().value());
                    insert.setString(3, record.keyId());
                    insert.setString(4, record.model());
                    insert.setString(5, record.upstream());
                    insert.setString(6, record.endpoint());
                    insert.setInt(7, record.status());
                    insert.setLong(8, record.latencyMillis());
                    insert.setBoolean(9, record.streamed());
                    insert.setString(10, record.outcome());
                    setLong(insert, 11, usage.promptTokens());
                    setLong(insert, 12, usage.completionTokens());
                    setLong(insert, 13, usage.totalTokens());
                    setLong(insert, 14, usage.cachedTokens());
                    setLong(insert, 15, usage.reasoningTokens());
                    insert.setBigDecimal(16, usage.cost());
                    insert.addBatch();
                }
                insert.executeBatch();
                connection.commit();
            } catch (SQLException | RuntimeException failed) {
                connection.rollback();
                throw failed;
            } finally {
                connection.setAutoCommit(autoCommit);
            }
        }
    }

    private static void setLong(PreparedStatement statement, int index, Long value) throws SQLException {
        if (value == null) {
            statement.setNull(index, Types.BIGINT);
        } else {
            statement.setLong(index, value);
        }
    }

    private void pruneQuietly() {
        try {
            int pruned = prune(Instant.now());
            if (pruned > 0) {
                LOG.info("usage records older than {} pruned: {}", settings.getRetention(), pruned);
            }
        } catch (SQLException | RuntimeException failure) {
            LOG.warn("usage records could not be pruned (tried again in an hour): {}", failure.toString());
        }
    }

    /** Deletes the records older than the retention period before {@code now}; how many. */
    int prune(Instant now) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement prune = connection.prepareStatement("DELETE FROM usage_records WHERE at < ?")) {
            prune.setTimestamp(1, Timestamp.from(now.minus(settings.getRetention())));
            return prune.executeUpdate();
        }
    }

    @Override
    public List<UsageTotals> summarize(UsageQuery query) {
        String group = switch (query.groupBy()) {
            case DAY -> "to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD')";
            case MODEL -> "model";
            case KEY -> "key_id";
        };
        String sql = "SELECT " + group + " AS grp, count(*), coalesce(sum(prompt_tokens), 0), coalesce(sum(completion_tokens), 0), "
                + "coalesce(sum(coalesce(total_tokens, coalesce(prompt_tokens, 0) + coalesce(completion_tokens, 0))), 0), "
                + "coalesce(sum(cost), 0) FROM usage_records WHERE account_id = ? AND at >= ? AND at < ?"
                + (query.keyId() != null ? " AND key_id = ?" : "") + " GROUP BY grp ORDER BY grp";
        return DatabaseFailures.translate(() -> {
            try (Connection connection = dataSource.getConnection(); PreparedStatement select = connection.prepareStatement(sql)) {
                select.setObject(1, query.account().value());
                select.setTimestamp(2, Timestamp.from(query.from()));
                select.setTimestamp(3, Timestamp.from(query.to()));
                if (query.keyId() != null) {
                    select.setString(4, query.keyId());
                }
                List<UsageTotals> rows = new ArrayList<>();
                try (ResultSet found = select.executeQuery()) {
                    while (found.next()) {
                        BigDecimal cost = found.getBigDecimal(6).stripTrailingZeros();
                        rows.add(new UsageTotals(found.getString(1), found.getLong(2), found.getLong(3), found.getLong(4),
                                found.getLong(5), cost.scale() < 0 ? cost.setScale(0) : cost));
                    }
                }
                return rows;
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @PreDestroy
    @Override
    public void close() {
        writer.shutdownNow();
        try {
            writer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        flush();
        if (queued.get() > 0) {
            LOG.warn("{} usage records could not be written before stopping", queued.get());
        }
    }
}
