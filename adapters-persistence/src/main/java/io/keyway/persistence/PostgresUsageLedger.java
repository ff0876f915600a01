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

import org.postgresql.PGConnection;

import com.zaxxer.hikari.HikariDataSource;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.StringReader;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
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
    private static final String COPY = "COPY usage_records (at, account_id, key_id, model, upstream, endpoint, status, "
            + "latency_ms, streamed, outcome, prompt_tokens, completion_tokens, total_tokens, cached_tokens, reasoning_tokens, cost, "
            + "deployment, attempts, estimated) "
            + "FROM STDIN (FORMAT text)";

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
            } catch (Exception | LinkageError | StackOverflowError failure) {
                // Anything the write throws keeps the batch: a task of a scheduled executor that throws is never run
                // again, and the records and the queue's count would be lost with it.
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

    /**
     * Writes a batch with one {@code COPY … FROM STDIN}: several times the rows per second of batched INSERTs, which
     * fell behind a busy gateway (the queue grew until the heap was full of records waiting for the database).
     */
    private void insert(List<UsageRecord> batch) throws SQLException {
        StringBuilder rows = new StringBuilder(batch.size() * 160);
        for (UsageRecord record : batch) {
            row(rows, record);
        }
        try (Connection connection = dataSource.getConnection()) {
            try {
                connection.unwrap(PGConnection.class).getCopyAPI().copyIn(COPY, new StringReader(rows.toString()));
            } catch (SQLException | IOException failed) {
                // COPY runs on the driver's own connection, past the pool's proxy, so the pool never sees it fail: a
                // connection broken by a database restart would be lent again (unchecked within Hikari's alive-bypass
                // window, shorter than a short flush interval) and every later write would fail on it.
                if (dataSource instanceof HikariDataSource pool) {
                    pool.evictConnection(connection);
                }
                throw failed instanceof SQLException sql ? sql : new SQLException("usage rows could not be sent", failed);
            }
        }
    }

    /** One row in COPY's text format: tab-separated, {@code \N} for null, the text format's escapes. */
    static void row(StringBuilder rows, UsageRecord record) {
        TokenUsage usage = record.usage();
        rows.append(record.at()).append('\t');
        rows.append(record.account().value()).append('\t');
        text(rows, record.keyId()).append('\t');
        text(rows, record.model()).append('\t');
        text(rows, record.upstream()).append('\t');
        text(rows, record.endpoint()).append('\t');
        rows.append(record.status()).append('\t');
        rows.append(record.latencyMillis()).append('\t');
        rows.append(record.streamed() ? 't' : 'f').append('\t');
        text(rows, record.outcome()).append('\t');
        number(rows, usage.promptTokens()).append('\t');
        number(rows, usage.completionTokens()).append('\t');
        number(rows, usage.totalTokens()).append('\t');
        number(rows, usage.cachedTokens()).append('\t');
        number(rows, usage.reasoningTokens()).append('\t');
        if (usage.cost() == null) {
            rows.append("\\N");
        } else {
            rows.append(usage.cost().toPlainString());
        }
        rows.append('\t');
        text(rows, record.deployment()).append('\t');
        rows.append(record.attempts()).append('\t');
        rows.append(usage.estimated() ? 't' : 'f');
        rows.append('\n');
    }

    private static StringBuilder number(StringBuilder rows, Long value) {
        return value == null ? rows.append("\\N") : rows.append(value.longValue());
    }

    /**
     * A text value escaped for COPY: backslash, tab, newline and carriage return as backslash sequences; a NUL, which
     * PostgreSQL's text cannot hold (a model name is the client's), as U+FFFD, so that one request cannot make a
     * whole batch fail again and again.
     */
    private static StringBuilder text(StringBuilder rows, String value) {
        if (value == null) {
            return rows.append("\\N");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> rows.append("\\\\");
                case '\t' -> rows.append("\\t");
                case '\n' -> rows.append("\\n");
                case '\r' -> rows.append("\\r");
                case '\0' -> rows.append('\uFFFD');
                default -> rows.append(c);
            }
        }
        return rows;
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
                + "coalesce(sum(cost), 0), count(*) FILTER (WHERE estimated) FROM usage_records WHERE account_id = ? AND at >= ? AND at < ?"
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
                                found.getLong(5), cost.scale() < 0 ? cost.setScale(0) : cost, found.getLong(7)));
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
