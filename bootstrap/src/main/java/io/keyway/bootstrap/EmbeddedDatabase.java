package io.keyway.bootstrap;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The PostgreSQL Keyway starts for itself when no database is configured: a real PostgreSQL server whose data
 * directory is kept between runs. It is for one machine and for development: it listens on loopback only (no Unix
 * socket), and its superuser logs in with SCRAM and a generated password kept in the data directory
 * ({@value #PASSWORD_FILE}, mode 0600), from initdb on: never with "trust". Its binaries are unpacked into, and run
 * from, a directory only this user can write ({@link PrivateDirectory}).
 */
public final class EmbeddedDatabase implements AutoCloseable {
    static final String PASSWORD_FILE = "keyway-db-password";
    private static final String USER = "postgres";
    /** The first line of a pg_hba.conf that Keyway wrote, so that an older, trusting one is replaced once. */
    private static final String HBA_MARKER = "# keyway: loopback only, scram-sha-256";

    private final EmbeddedPostgres postgres;
    private final Path dataDirectory;
    private final String password;
    private final AtomicBoolean closed = new AtomicBoolean();

    private EmbeddedDatabase(EmbeddedPostgres postgres, Path dataDirectory, String password) {
        this.postgres = postgres;
        this.dataDirectory = dataDirectory;
        this.password = password;
    }

    public static EmbeddedDatabase start(Path dataDirectory) {
        return start(dataDirectory, defaultBinaries());
    }

    /**
     * Where PostgreSQL's binaries are unpacked and run from: a directory of this user's own under the temporary
     * directory ({@code keyway-embedded-pg-<user>}), not the library's {@code /tmp/embedded-pg}, whose name is the same
     * on every machine, so that another local user could plant an {@code initdb} there.
     */
    static Path defaultBinaries() {
        return Path.of(System.getProperty("java.io.tmpdir"), "keyway-embedded-pg-" + System.getProperty("user.name"));
    }

    static EmbeddedDatabase start(Path dataDirectory, Path binaries) {
        try {
            Path absolute = dataDirectory.toAbsolutePath().normalize();
            Files.createDirectories(absolute);
            Path passwordFile = absolute.resolve(PASSWORD_FILE);
            boolean initialised = Files.exists(absolute.resolve("PG_VERSION"));
            if (!initialised) {
                // initdb wants an empty directory: a password left by a start that never got this far goes.
                Files.deleteIfExists(passwordFile);
            }
            String password = initialised && Files.exists(passwordFile) ? readPassword(passwordFile) : newPassword();
            Path privateBinaries = PrivateDirectory.require(binaries);
            // initdb takes the password from a file of its own (mode 0600, in the private directory, removed after):
            // the server never runs a second with "trust", on loopback or a socket.
            Path initdbPassword = null;
            if (!initialised) {
                initdbPassword = privateBinaries.resolve("initdb-password-" + ProcessHandle.current().pid());
                Files.deleteIfExists(initdbPassword);
                Files.writeString(Files.createFile(initdbPassword, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))),
                        password + "\n", StandardCharsets.US_ASCII);
            }
            EmbeddedPostgres postgres;
            try {
                EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                        // The library makes its working directory writable by all (for shared test machines); inside
                        // a directory only this user can enter, that reaches nobody else.
                        .setOverrideWorkingDirectory(privateBinaries.resolve("pg").toFile())
                        .setDataDirectory(absolute)
                        .setCleanDataDirectory(false)
                        // Keyway stops it after the application context (Keyway.start): a hook of its own would stop the
                        // database under the running gateway, cutting the key-change listener first.
                        .setRegisterShutdownHook(false)
                        .setServerConfig("listen_addresses", "localhost")
                        // No Unix socket at all (Keyway connects over loopback TCP): none in a shared /tmp.
                        .setServerConfig("unix_socket_directories", "")
                        .setServerConfig("password_encryption", "scram-sha-256")
                        .setConnectConfig("password", password);
                if (initdbPassword != null) {
                    // The library runs "initdb -A trust" and then these options, which override it.
                    builder.setLocaleConfig("auth-local", "scram-sha-256")
                            .setLocaleConfig("auth-host", "scram-sha-256")
                            .setLocaleConfig("pwfile", initdbPassword.toString());
                }
                postgres = builder.start();
            } finally {
                if (initdbPassword != null) {
                    Files.deleteIfExists(initdbPassword);
                }
            }
            if (!Files.exists(passwordFile)) {
                Files.writeString(Files.createFile(passwordFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))),
                        password + "\n", StandardCharsets.US_ASCII);
            }
            EmbeddedDatabase database = new EmbeddedDatabase(postgres, absolute, password);
            database.requirePassword();
            return database;
        } catch (IOException e) {
            throw new UncheckedIOException("the embedded PostgreSQL did not start in " + dataDirectory, e);
        }
    }

    /** Where and how to log in to an embedded PostgreSQL another process runs. */
    record Running(String jdbcUrl, String username, String password) {
        @Override
        public String toString() {
            return "EmbeddedDatabase.Running[" + jdbcUrl + "]";
        }
    }

    /**
     * The embedded PostgreSQL of another Keyway process on this data directory (a gateway that runs while the admin
     * CLI is used, say), when there is one: its server writes its port in {@code postmaster.pid} while it runs, and
     * its password is in {@value #PASSWORD_FILE}. Empty when no live server holds the directory, or when it does not
     * accept the password (then starting one here fails with PostgreSQL's own lock message).
     */
    static Optional<Running> alreadyRunning(Path dataDirectory) {
        Path absolute = dataDirectory.toAbsolutePath().normalize();
        Path pid = absolute.resolve("postmaster.pid");
        Path passwordFile = absolute.resolve(PASSWORD_FILE);
        try {
            if (!Files.isReadable(pid) || !Files.isReadable(passwordFile)) {
                return Optional.empty();
            }
            List<String> lines = Files.readAllLines(pid, StandardCharsets.US_ASCII);
            if (lines.size() < 4 || ProcessHandle.of(Long.parseLong(lines.get(0).strip())).filter(ProcessHandle::isAlive).isEmpty()) {
                return Optional.empty();
            }
            Running running = new Running(jdbcUrl(Integer.parseInt(lines.get(3).strip())), USER, readPassword(passwordFile));
            Properties login = login(running.password());
            login.setProperty("connectTimeout", "3");
            try (Connection connection = DriverManager.getConnection(running.jdbcUrl(), login)) {
                return connection.isValid(3) ? Optional.of(running) : Optional.empty();
            }
        } catch (IOException | SQLException | RuntimeException notReachable) {
            return Optional.empty();
        }
    }

    private static String readPassword(Path passwordFile) throws IOException {
        return Files.readString(passwordFile, StandardCharsets.US_ASCII).strip();
    }

    private static String newPassword() {
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    }

    /**
     * Gives the superuser its password and replaces initdb's trusting pg_hba.conf with SCRAM on loopback, once per data
     * directory (the first start, or the first since an older Keyway made it).
     */
    private void requirePassword() throws IOException {
        Path hba = dataDirectory.resolve("pg_hba.conf");
        if (Files.readString(hba, StandardCharsets.UTF_8).startsWith(HBA_MARKER)) {
            return;
        }
        try (Connection connection = connect(); Statement statement = connection.createStatement()) {
            statement.execute("SET password_encryption = 'scram-sha-256'");
            statement.execute("ALTER ROLE " + USER + " PASSWORD '" + password + "'");
            Files.writeString(hba, HBA_MARKER + "\n"
                    + "local   all   all                 scram-sha-256\n"
                    + "host    all   all   127.0.0.1/32  scram-sha-256\n"
                    + "host    all   all   ::1/128       scram-sha-256\n", StandardCharsets.UTF_8);
            statement.execute("SELECT pg_reload_conf()");
        } catch (SQLException e) {
            throw new IllegalStateException("the embedded PostgreSQL could not be given its password", e);
        }
    }

    private Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl(), login(password));
    }

    private static Properties login(String password) {
        Properties properties = new Properties();
        properties.setProperty("user", USER);
        properties.setProperty("password", password);
        return properties;
    }

    public String jdbcUrl() {
        return jdbcUrl(postgres.getPort());
    }

    private static String jdbcUrl(int port) {
        return "jdbc:postgresql://localhost:" + port + "/postgres";
    }

    public String username() {
        return USER;
    }

    /** The superuser's password, for this process's own connection pool only. */
    public String password() {
        return password;
    }

    public int port() {
        return postgres.getPort();
    }

    public Path dataDirectory() {
        return dataDirectory;
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            postgres.close();
        } catch (IOException e) {
            throw new UncheckedIOException("the embedded PostgreSQL did not stop cleanly", e);
        }
    }

    @Override
    public String toString() {
        return "EmbeddedDatabase[" + dataDirectory + ", port " + port() + "]";
    }
}
