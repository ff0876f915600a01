package io.keyway.persistence;

import io.keyway.domain.port.LimitStore;
import io.micronaut.data.connection.jdbc.advice.DelegatingDataSource;
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
import java.time.Instant;
import java.util.Optional;

/**
 * The counters behind keys' limits, in {@code limit_counters}: one row per key, kind and window, shared by every
 * instance on the database. It only stores; the rules are the domain's ({@code LimitWindows}). A database that
 * cannot be reached is said once in the log, and answers empty until it returns.
 */
@Singleton
final class PostgresLimitStore implements LimitStore {
    private static final Logger LOG = LoggerFactory.getLogger(PostgresLimitStore.class);

    private final DataSource dataSource;
    private volatile boolean failing;

    PostgresLimitStore(DataSource dataSource) {
        this.dataSource = DelegatingDataSource.unwrapDataSource(dataSource);
    }

    @Override
    public Optional<Lease> lease(String key, Instant minute, long limit, long block) {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                try (PreparedStatement create = connection.prepareStatement("INSERT INTO limit_counters (key_id, kind, window_start, amount) "
                        + "VALUES (?, 'requests', ?, 0) ON CONFLICT DO NOTHING")) {
                    create.setString(1, key);
                    create.setTimestamp(2, Timestamp.from(minute));
                    create.executeUpdate();
                }
                long taken;
                try (PreparedStatement lock = connection.prepareStatement("SELECT amount FROM limit_counters "
                        + "WHERE key_id = ? AND kind = 'requests' AND window_start = ? FOR UPDATE")) {
                    lock.setString(1, key);
                    lock.setTimestamp(2, Timestamp.from(minute));
                    try (ResultSet row = lock.executeQuery()) {
                        row.next();
                        taken = row.getLong(1);
                    }
                }
                long granted = Math.max(0, Math.min(block, limit - taken));
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
                return Optional.of(new Lease(granted, taken + granted));
            } catch (SQLException | RuntimeException failed) {
                connection.rollback();
                throw failed;
            }
        } catch (SQLException | RuntimeException unreachable) {
            failed(unreachable);
            return Optional.empty();
        }
    }

    @Override
    public Optional<BigDecimal> add(String key, Kind kind, Instant window, BigDecimal amount) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement upsert = connection.prepareStatement("INSERT INTO limit_counters (key_id, kind, window_start, amount) "
                     + "VALUES (?, ?, ?, ?) ON CONFLICT (key_id, kind, window_start) DO UPDATE SET amount = limit_counters.amount + EXCLUDED.amount "
                     + "RETURNING amount")) {
            upsert.setString(1, key);
            upsert.setString(2, kind.stored());
            upsert.setTimestamp(3, Timestamp.from(window));
            upsert.setBigDecimal(4, amount);
            try (ResultSet row = upsert.executeQuery()) {
                row.next();
                recovered();
                return Optional.of(row.getBigDecimal(1));
            }
        } catch (SQLException | RuntimeException unreachable) {
            failed(unreachable);
            return Optional.empty();
        }
    }

    @Override
    public void forgetBefore(Instant before) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement prune = connection.prepareStatement("DELETE FROM limit_counters WHERE window_start < ?")) {
            prune.setTimestamp(1, Timestamp.from(before));
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
}
