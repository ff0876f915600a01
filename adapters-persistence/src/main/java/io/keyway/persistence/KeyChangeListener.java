package io.keyway.persistence;

import com.zaxxer.hikari.HikariDataSource;
import io.micronaut.context.annotation.Context;
import io.micronaut.data.connection.jdbc.advice.DelegatingDataSource;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Named;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;

/**
 * Listens, on a connection of its own, for the key changes every instance publishes with PostgreSQL
 * {@code NOTIFY} in the transaction that makes them ({@link KeySql#notifyChanged}), and evicts the changed keys from
 * this instance's {@link KeyRecordCache}. When the connection is lost every lookup goes to the database until a new
 * one listens again (tried every 250 ms), and records read before that are read again on their next use, so a missed
 * notification never leaves a revoked key working; only while the database itself is unreachable are records read
 * within {@code keyway.keys.outage-grace} served unconfirmed.
 * A connection that stays open but stops answering (its backend paused, a network path that drops packets) is found
 * by a heartbeat: every half second the listener notifies a channel of its own on that connection, every read waits
 * at most a second ({@code socketTimeout}, with TCP keepalive), and a heartbeat not back within a second and a half
 * counts as a lost connection. Whatever ends a pass of the loop (an {@link Error} included) marks the cache untrusted
 * first.
 */
@Context
final class KeyChangeListener {
    static final String CHANNEL = "keyway_key_changes";
    /** The listening connection's {@code application_name}, for operators (and tests) looking at pg_stat_activity. */
    static final String APPLICATION_NAME = "keyway-key-changes";
    private static final Logger LOG = LoggerFactory.getLogger(KeyChangeListener.class);
    private static final Duration POLL = Duration.ofMillis(250);
    private static final Duration RETRY = Duration.ofMillis(250);
    static final Duration HEARTBEAT = Duration.ofMillis(500);
    static final Duration HEARTBEAT_LOST = Duration.ofMillis(1500);
    /** This instance's own heartbeat channel: nobody else listens to it. */
    private final String heartbeatChannel = "keyway_heartbeat_" + java.util.UUID.randomUUID().toString().replace("-", "");

    private final String url;
    private final Properties credentials = new Properties();
    private final KeyRecordCache cache;
    private final Thread thread;
    private volatile boolean running = true;

    KeyChangeListener(@Named("default") DataSource dataSource, KeyRecordCache cache) {
        // A connection of its own, outside the pool: it is held for as long as Keyway runs, and carries its own name.
        HikariDataSource pool = (HikariDataSource) DelegatingDataSource.unwrapDataSource(dataSource);
        this.url = pool.getJdbcUrl();
        if (pool.getUsername() != null) {
            credentials.setProperty("user", pool.getUsername());
        }
        if (pool.getPassword() != null) {
            credentials.setProperty("password", pool.getPassword());
        }
        credentials.setProperty("ApplicationName", APPLICATION_NAME);
        // No read on this connection waits longer than a second; dead peers are found by TCP too.
        credentials.setProperty("socketTimeout", "1");
        credentials.setProperty("tcpKeepAlive", "true");
        this.cache = cache;
        this.thread = new Thread(this::run, "keyway-key-changes");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        boolean reportedDown = false;
        while (running) {
            try (Connection listening = DriverManager.getConnection(url, credentials)) {
                try (Statement statement = listening.createStatement()) {
                    statement.execute("LISTEN " + CHANNEL);
                    statement.execute("LISTEN " + heartbeatChannel);
                }
                PGConnection postgres = listening.unwrap(PGConnection.class);
                long heardAt = System.nanoTime();
                long beatAt = 0;
                cache.notificationsArrive(true);
                if (reportedDown) {
                    LOG.info("listening for key changes again; the key cache is back in use");
                    reportedDown = false;
                    wakeConnectionAdders();
                }
                while (running) {
                    long now = System.nanoTime();
                    if (now - beatAt >= HEARTBEAT.toNanos()) {
                        try (Statement beat = listening.createStatement()) {
                            beat.execute("NOTIFY " + heartbeatChannel);
                        }
                        beatAt = now;
                    }
                    PGNotification[] notifications = postgres.getNotifications((int) POLL.toMillis());
                    if (notifications != null) {
                        for (PGNotification notification : notifications) {
                            if (notification.getName().equals(heartbeatChannel)) {
                                heardAt = System.nanoTime();
                            } else {
                                cache.evict(notification.getParameter());
                            }
                        }
                    }
                    if (System.nanoTime() - heardAt > HEARTBEAT_LOST.toNanos()) {
                        throw new SQLException("no heartbeat came back on the listening connection for "
                                + HEARTBEAT_LOST.toMillis() + " ms");
                    }
                    if (listening.isClosed()) {
                        throw new SQLException("the listening connection closed");
                    }
                }
            } catch (Throwable lost) {
                // Untrusted before anything else, whatever ended the pass (an Error too): no cached record outlives it.
                cache.notificationsArrive(false);
                if (running && !reportedDown) {
                    LOG.warn("not listening for key changes ({}); every key lookup goes to the database until listening resumes",
                            lost.getMessage());
                    reportedDown = true;
                }
                pause();
            }
        }
    }

    /**
     * The database is back (this connection reached it): Hikari's thread that opens pool connections may be sleeping
     * out its backoff, which doubles up to 5 s while the database is away and cannot be configured. Waking it lets
     * requests that need a connection succeed within a moment of the return instead of up to 5 s after it. Its sleep
     * ends on an interrupt and it tries to connect again at once; the interrupt is cleared before its next task.
     */
    private static void wakeConnectionAdders() {
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread.getName().contains(":connection-adder") && thread.getState() == Thread.State.TIMED_WAITING) {
                thread.interrupt();
            }
        }
    }

    private void pause() {
        try {
            Thread.sleep(RETRY.toMillis());
        } catch (InterruptedException stopped) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    @PreDestroy
    void stop() throws InterruptedException {
        running = false;
        cache.notificationsArrive(false);
        thread.interrupt();
        thread.join(Duration.ofSeconds(5).toMillis());
    }
}
