package io.keyway.bootstrap.support;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A PostgreSQL of a test's own that it can stop and start again on the same data and port: a database outage under
 * a running Keyway, which keeps the same JDBC URL throughout.
 */
public final class StoppablePostgres implements AutoCloseable {
    private final Path data;
    private final int port;
    private EmbeddedPostgres running;

    private StoppablePostgres(Path data, int port) {
        this.data = data;
        this.port = port;
    }

    /** Started on a free port, with its data in {@code data}. */
    public static StoppablePostgres start(Path data) throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        StoppablePostgres postgres = new StoppablePostgres(data, port);
        postgres.restart();
        return postgres;
    }

    /** {@code more} and the datasource settings that point Keyway at this server. */
    public Map<String, Object> settingsWith(Map<String, ?> more) {
        Map<String, Object> settings = new HashMap<>(more);
        settings.put("datasources.default.url", running.getJdbcUrl("postgres", "postgres"));
        settings.put("datasources.default.username", "postgres");
        settings.put("datasources.default.password", "");
        return settings;
    }

    /** The running server (for a test's own queries). */
    public EmbeddedPostgres running() {
        return running;
    }

    /** Stops the server: the outage begins. */
    public void stop() throws IOException {
        if (running != null) {
            running.close();
            running = null;
        }
    }

    /** Starts it again on the same data and port. */
    public void restart() throws IOException {
        running = EmbeddedPostgres.builder().setDataDirectory(data).setCleanDataDirectory(false).setPort(port).start();
    }

    @Override
    public void close() throws IOException {
        stop();
    }
}
