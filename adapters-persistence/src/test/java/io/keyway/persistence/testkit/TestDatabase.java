package io.keyway.persistence.testkit;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.PostgreSQLContainer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

/**
 * The PostgreSQL every test shares, chosen once per run: {@code TEST_JDBC_URL} (system property, then environment;
 * with {@code TEST_JDBC_USERNAME} / {@code TEST_JDBC_PASSWORD}) when set, Testcontainers when a Docker engine answers,
 * an embedded PostgreSQL otherwise. When none works, it throws: tests fail, they are never skipped.
 */
public final class TestDatabase {
    private static TestDatabase shared;

    private final String url;
    private final String username;
    private final String password;
    private final String source;

    private TestDatabase(String url, String username, String password, String source) {
        this.url = url;
        this.username = username;
        this.password = password;
        this.source = source;
    }

    public static synchronized TestDatabase get() {
        if (shared == null) {
            shared = start();
        }
        return shared;
    }

    private static TestDatabase start() {
        String url = setting("TEST_JDBC_URL");
        if (url != null) {
            return new TestDatabase(url, setting("TEST_JDBC_USERNAME"), setting("TEST_JDBC_PASSWORD"), "TEST_JDBC_URL");
        }
        if (dockerAnswers()) {
            PostgreSQLContainer<?> container = new PostgreSQLContainer<>("postgres:16-alpine");
            container.start();
            return new TestDatabase(container.getJdbcUrl(), container.getUsername(), container.getPassword(), "Testcontainers");
        }
        try {
            EmbeddedPostgres postgres = EmbeddedPostgres.builder().start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    postgres.close();
                } catch (IOException ignored) {
                    // the JVM is exiting; the temporary cluster goes with it
                }
            }));
            return new TestDatabase(postgres.getJdbcUrl("postgres", "postgres"), "postgres", "", "embedded PostgreSQL");
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("No PostgreSQL for the tests: TEST_JDBC_URL is unset, no Docker engine answers, "
                    + "and the embedded PostgreSQL did not start", e);
        }
    }

    private static boolean dockerAnswers() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError noDocker) {
            return false;
        }
    }

    private static String setting(String name) {
        String value = System.getProperty(name);
        if (value == null || value.isBlank()) {
            value = System.getenv(name);
        }
        return value == null || value.isBlank() ? null : value;
    }

    public String url() {
        return url;
    }

    public String username() {
        return username;
    }

    public String password() {
        return password;
    }

    public String source() {
        return source;
    }

    /** The {@code datasources.default.*} properties that point a Micronaut context at this database. */
    public Map<String, Object> datasourceProperties() {
        Map<String, Object> properties = new HashMap<>();
        properties.put("datasources.default.url", url);
        if (username != null) {
            properties.put("datasources.default.username", username);
            properties.put("datasources.default.password", password == null ? "" : password);
        }
        return properties;
    }

    private static io.micronaut.context.ApplicationContext sharedContext;

    /**
     * One context of the persistence adapter on the test database with default settings, started on first use and
     * shared by the contract tests of its stores (closed when the JVM ends).
     */
    public static synchronized io.micronaut.context.ApplicationContext persistenceContext() {
        if (sharedContext == null) {
            io.micronaut.context.ApplicationContext started = io.micronaut.context.ApplicationContext.run(persistenceContextProperties(Map.of()));
            Runtime.getRuntime().addShutdownHook(new Thread(started::close, "keyway-test-context-stop"));
            sharedContext = started;
        }
        return sharedContext;
    }

    /**
     * A context with the persistence adapter alone (the vault, Flyway's migrations, the key cache) on this database,
     * with {@code extra} properties on top.
     */
    public static Map<String, Object> persistenceContextProperties(Map<String, Object> extra) {
        Map<String, Object> properties = get().datasourceProperties();
        properties.put("datasources.default.driver-class-name", "org.postgresql.Driver");
        properties.put("datasources.default.dialect", "POSTGRES");
        properties.put("flyway.datasources.default.enabled", true);
        properties.putAll(extra);
        return properties;
    }

    public Connection connect() {
        try {
            return username == null ? DriverManager.getConnection(url) : DriverManager.getConnection(url, username, password);
        } catch (SQLException e) {
            throw new UncheckedIOException(new IOException("cannot connect to the test database from " + source, e));
        }
    }
}
