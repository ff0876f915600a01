package io.keyway.bootstrap;

import io.keyway.testkit.SecretLedger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.DriverManager;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The embedded PostgreSQL is private from its first second: nothing is run from a binaries directory another user
 * could have written, and nobody logs in without the generated password while the server starts for the first time.
 */
class EmbeddedFirstStartTest {
    /** What a planted binary leaves behind when it runs. */
    private static Path plant(Path binaries, Path marker) throws Exception {
        // Every name the library could run from its working directory: PG-<hash>/bin/{initdb,pg_ctl,postgres}.
        for (String hash : List.of("planted")) {
            Path bin = Files.createDirectories(binaries.resolve("pg").resolve("PG-" + hash).resolve("bin"));
            for (String tool : List.of("initdb", "pg_ctl", "postgres")) {
                Path script = bin.resolve(tool);
                Files.writeString(script, "#!/bin/sh\ntouch " + marker + "\nexit 1\n", StandardCharsets.US_ASCII);
                Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxrwxrwx"));
            }
        }
        return marker;
    }

    @Test
    void aBinariesDirectoryOthersCanWriteIsRefusedBeforeAnythingInItRuns(@TempDir Path temp) throws Exception {
        Path open = Files.createDirectory(temp.resolve("open"));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path marker = plant(open, temp.resolve("ran-open"));
        IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> EmbeddedDatabase.start(temp.resolve("data-open"), open));
        assertTrue(refused.getMessage().contains("rwxrwxrwx") && refused.getMessage().contains(open.toString()), refused.getMessage());
        assertFalse(Files.exists(marker));

        Path someoneElses = Files.createDirectory(temp.resolve("someone-elses"));
        Files.setPosixFilePermissions(someoneElses, PosixFilePermissions.fromString("rwx------"));
        Files.setOwner(someoneElses, someoneElses.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody"));
        Path otherMarker = plant(someoneElses, temp.resolve("ran-other"));
        refused = assertThrows(IllegalStateException.class, () -> EmbeddedDatabase.start(temp.resolve("data-other"), someoneElses));
        assertTrue(refused.getMessage().contains("belongs to nobody"), refused.getMessage());
        assertFalse(Files.exists(otherMarker));

        Path link = Files.createSymbolicLink(temp.resolve("link"), open);
        assertThrows(IllegalStateException.class, () -> EmbeddedDatabase.start(temp.resolve("data-link"), link));
    }

    @Test
    void nobodyLogsInWithoutThePasswordWhileTheServerStartsForTheFirstTime(@TempDir Path temp) throws Exception {
        Path data = temp.resolve("data");
        Path binaries = temp.resolve("binaries");
        CompletableFuture<EmbeddedDatabase> starting = CompletableFuture.supplyAsync(() -> EmbeddedDatabase.start(data, binaries));
        AtomicInteger attempts = new AtomicInteger();
        int seenPort = -1;
        List<String> logins = new java.util.ArrayList<>();
        // As a local user would: read the port from postmaster.pid as soon as it is written, and try the superuser
        // without a password (and a socket, if there were one in the data directory), until the start is over.
        while (!starting.isDone()) {
            Path pid = data.resolve("postmaster.pid");
            if (Files.isReadable(pid)) {
                List<String> lines;
                try {
                    lines = Files.readAllLines(pid);
                } catch (java.nio.file.NoSuchFileException gone) {
                    // Gone between the check and the read (a server removes it when it stops; failed once in a
                    // clean-clone CI run): looked for again on the next turn.
                    continue;
                }
                if (lines.size() >= 4 && !lines.get(3).isBlank()) {
                    seenPort = Integer.parseInt(lines.get(3).strip());
                    for (String user : List.of("postgres", System.getProperty("user.name"))) {
                        Properties login = new Properties();
                        login.setProperty("user", user);
                        login.setProperty("connectTimeout", "1");
                        attempts.incrementAndGet();
                        try (var connection = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + seenPort + "/postgres", login)) {
                            logins.add(user);
                        } catch (java.sql.SQLException refused) {
                            // as it should be
                        }
                    }
                }
            }
            Thread.onSpinWait();
        }
        try (EmbeddedDatabase database = starting.get(60, TimeUnit.SECONDS)) {
            SecretLedger.record(database.password());
            System.out.println("logins tried during the first start: " + attempts.get() + " on port " + seenPort);
            assertTrue(attempts.get() > 0, "the test never saw the server's port while it started");
            assertEquals(List.of(), logins, "logged in without the password during the first start");
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(binaries)));
            database.close();
            try (EmbeddedDatabase again = EmbeddedDatabase.start(data, binaries)) {
                assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(binaries)),
                        "a second start finds the directory as private as the first left it");
            }
            try (java.util.stream.Stream<Path> files = Files.list(binaries)) {
                assertTrue(files.noneMatch(file -> file.getFileName().toString().startsWith("initdb-password")),
                        "the password file given to initdb is removed");
            }
            try (java.util.stream.Stream<Path> files = Files.list(data)) {
                assertTrue(files.noneMatch(file -> file.getFileName().toString().startsWith(".s.PGSQL")), "no Unix socket");
            }
            Properties noPassword = new Properties();
            noPassword.setProperty("user", "postgres");
            assertThrows(java.sql.SQLException.class, () -> DriverManager.getConnection(database.jdbcUrl(), noPassword).close());
        }
    }
}
