package io.keyway.bootstrap;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.Micronaut;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Starts Keyway. With no database configured ({@code DATASOURCES_DEFAULT_URL} or {@code datasources.default.url}),
 * it first starts an embedded PostgreSQL whose data lives in {@code ./keyway-data} ({@code KEYWAY_DATA_DIR}).
 */
public final class Keyway {
    private static final Logger LOG = LoggerFactory.getLogger(Keyway.class);

    private Keyway() {
    }

    public static void main(String[] args) {
        try {
            start(args);
        } catch (RuntimeException startFailed) {
            // The cause that says what to fix (e.g. "KEYWAY_ADMIN_TOKEN ... must be at least 32"), not the wiring around it.
            Throwable cause = startFailed;
            while (cause.getCause() != null) {
                cause = cause.getCause();
            }
            LOG.error("Keyway did not start: {}", cause.getMessage());
            System.exit(1);
        }
    }

    /** Starts the gateway and returns its running context; closing the context also stops an embedded database. */
    public static ApplicationContext start(String... args) {
        Map<String, Object> properties = new HashMap<>();
        EmbeddedDatabase embedded = null;
        if (!databaseConfigured()) {
            Path dataDirectory = Path.of(setting("KEYWAY_DATA_DIR", "keyway.data-dir", "keyway-data"));
            embedded = EmbeddedDatabase.start(dataDirectory);
            LOG.info("No database configured (DATASOURCES_DEFAULT_URL is unset): using an embedded PostgreSQL on port {} with its data in {}",
                    embedded.port(), embedded.dataDirectory());
            properties.put("datasources.default.url", embedded.jdbcUrl());
            properties.put("datasources.default.username", embedded.username());
            properties.put("datasources.default.password", embedded.password());
        }
        // Registered before the context starts: Micronaut exits the JVM itself when its start fails, and the database
        // must stop then too. Once the context runs, the hook waits for it to stop (Micronaut's own hook stops it;
        // closing it here as well deadlocks the two), so the pool closes before its database does.
        AtomicReference<ApplicationContext> running = new AtomicReference<>();
        if (embedded != null) {
            EmbeddedDatabase database = embedded;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                ApplicationContext started = running.get();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (started != null && started.isRunning() && System.nanoTime() < deadline) {
                    try {
                        Thread.sleep(50);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        break;
                    }
                }
                database.close();
            }, "keyway-embedded-postgres-stop"));
        }
        ApplicationContext context;
        try {
            context = Micronaut.build(args).mainClass(Keyway.class).banner(false).properties(properties).start();
        } catch (RuntimeException startFailed) {
            if (embedded != null) {
                embedded.close();
            }
            throw startFailed;
        }
        running.set(context);
        if (embedded != null) {
            context.registerSingleton(EmbeddedDatabase.class, embedded);
        }
        return context;
    }

    private static boolean databaseConfigured() {
        String url = setting("DATASOURCES_DEFAULT_URL", "datasources.default.url", "");
        return !url.isBlank();
    }

    private static String setting(String environmentVariable, String systemProperty, String fallback) {
        String fromProperty = System.getProperty(systemProperty);
        if (fromProperty != null && !fromProperty.isBlank()) {
            return fromProperty;
        }
        String fromEnvironment = System.getenv(environmentVariable);
        return fromEnvironment != null && !fromEnvironment.isBlank() ? fromEnvironment : fallback;
    }
}
