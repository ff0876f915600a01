package io.keyway.bootstrap;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.Micronaut;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Starts Keyway. With no database configured ({@code DATASOURCES_DEFAULT_URL} or {@code datasources.default.url}),
 * it first starts an embedded PostgreSQL whose data lives in {@code ./keyway-data} ({@code KEYWAY_DATA_DIR}).
 * With a command ({@code accounts}, {@code keys}, {@code db}, {@code --help}, {@code --version}) it runs the admin CLI
 * ({@link KeywayCli}) instead of the server.
 */
public final class Keyway {
    private Keyway() {
    }

    /** Not a static field: the CLI sets where log lines go before logback reads its configuration. */
    private static Logger log() {
        return LoggerFactory.getLogger(Keyway.class);
    }

    public static void main(String[] args) {
        if (KeywayCli.isCommand(args)) {
            exit(KeywayCli.run(args));
        }
        String[] serverArgs = args.length > 0 && args[0].equals("serve") ? Arrays.copyOfRange(args, 1, args.length) : args;
        try {
            start(serverArgs);
        } catch (ConfigurationCheck.ConfigurationProblems problems) {
            log().error("Keyway did not start: {} configuration problem{} (each said above)", problems.problems.size(),
                    problems.problems.size() == 1 ? "" : "s");
            exit(1);
        } catch (RuntimeException startFailed) {
            log().error("Keyway did not start: {}", rootMessage(startFailed));
            exit(1);
        }
    }

    /**
     * Exits once every log line is written: the lines go through an asynchronous appender, and a bare
     * {@code System.exit} can end the process before its queue reaches the console (the one line saying why Keyway did
     * not start would be lost).
     */
    static void exit(int status) {
        if (LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext logback) {
            logback.stop();
        }
        System.exit(status);
    }

    /** The cause that says what to fix (e.g. "KEYWAY_ADMIN_TOKEN ... must be at least 32"), not the wiring around it. */
    static String rootMessage(Throwable failure) {
        Throwable cause = failure;
        while (cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause.getMessage();
    }

    /** Starts the gateway and returns its running context; closing the context also stops an embedded database. */
    public static ApplicationContext start(String... args) {
        checkConfiguration(args, Map.of(), true);
        Database database = Database.prepare(Map.of());
        // Registered before the context starts: Micronaut exits the JVM itself when its start fails, and the database
        // must stop then too. Once the context runs, the hook waits for it to stop (Micronaut's own hook stops it;
        // closing it here as well deadlocks the two), so the pool closes before its database does.
        AtomicReference<ApplicationContext> running = new AtomicReference<>();
        if (database.embedded() != null) {
            EmbeddedDatabase embedded = database.embedded();
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
                embedded.close();
            }, "keyway-embedded-postgres-stop"));
        }
        ApplicationContext context;
        try {
            context = Micronaut.build(args).mainClass(Keyway.class).banner(false).properties(database.properties()).start();
        } catch (RuntimeException startFailed) {
            database.close();
            throw startFailed;
        }
        running.set(context);
        log().info("Network transport: {} (keyway.server.transport)", Transports.inUse(context));
        if (database.embedded() != null) {
            context.registerSingleton(EmbeddedDatabase.class, database.embedded());
        }
        return context;
    }

    /**
     * Checks Keyway's settings before anything starts (no database, no server), so that a mistake is said in one line
     * per problem instead of a bean's stack trace; the context checks again when it starts ({@link ConfigurationCheck}).
     */
    static void checkConfiguration(String[] args, Map<String, Object> properties, boolean logEach) {
        ApplicationContext unstarted = Micronaut.build(args).mainClass(Keyway.class).properties(properties).build();
        io.micronaut.context.env.Environment environment = unstarted.getEnvironment();
        environment.start();
        try {
            List<String> problems = ConfigurationCheck.problems(environment);
            if (logEach) {
                problems.forEach(problem -> log().error("configuration: {}", problem));
            }
            if (!problems.isEmpty()) {
                throw new ConfigurationCheck.ConfigurationProblems(problems);
            }
        } finally {
            environment.stop();
        }
    }

    /**
     * The database Keyway uses: the configured one, or an embedded PostgreSQL started here.
     *
     * @param properties the context's properties (for the datasource's connection) and, when embedded, the database
     */
    record Database(Map<String, Object> properties, EmbeddedDatabase embedded) implements AutoCloseable {
        /** @param given properties the caller passes to the context; a datasource URL among them counts as configured */
        static Database prepare(Map<String, Object> given) {
            Map<String, Object> properties = new HashMap<>(given);
            if (given.containsKey("datasources.default.url") || databaseConfigured()) {
                return new Database(properties, null);
            }
            Path dataDirectory = Path.of(given.containsKey("keyway.data-dir") ? String.valueOf(given.get("keyway.data-dir"))
                    : setting("KEYWAY_DATA_DIR", "keyway.data-dir", "keyway-data"));
            java.util.Optional<EmbeddedDatabase.Running> running = EmbeddedDatabase.alreadyRunning(dataDirectory);
            if (running.isPresent()) {
                // Another Keyway (a running gateway, while the admin CLI is used) holds the directory: share its server.
                log().info("Using the embedded PostgreSQL already running on {} with its data in {}", running.get().jdbcUrl(),
                        dataDirectory.toAbsolutePath());
                properties.put("datasources.default.url", running.get().jdbcUrl());
                properties.put("datasources.default.username", running.get().username());
                properties.put("datasources.default.password", running.get().password());
                return new Database(properties, null);
            }
            EmbeddedDatabase embedded = EmbeddedDatabase.start(dataDirectory);
            log().info("No database configured (DATASOURCES_DEFAULT_URL is unset): using an embedded PostgreSQL on port {} with its data in {}",
                    embedded.port(), embedded.dataDirectory());
            properties.put("datasources.default.url", embedded.jdbcUrl());
            properties.put("datasources.default.username", embedded.username());
            properties.put("datasources.default.password", embedded.password());
            return new Database(properties, embedded);
        }

        @Override
        public void close() {
            if (embedded != null) {
                embedded.close();
            }
        }
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
