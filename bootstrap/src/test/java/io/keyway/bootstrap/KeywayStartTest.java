package io.keyway.bootstrap;

import io.keyway.persistence.testkit.TestDatabase;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static io.keyway.testkit.Gateway.field;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The main entry point: an embedded PostgreSQL that survives a restart when no database is configured, the configured one otherwise. */
class KeywayStartTest {
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void withNoDatabaseConfiguredKeywayKeepsItsDataInItsDataDirectoryAcrossARestart(@TempDir Path dataDirectory) throws Exception {
        Map<String, String> properties = Map.of("keyway.data-dir", dataDirectory.toString(), "micronaut.server.port", "-1",
                "keyway.admin-token", io.keyway.testkit.SecretLedger.record("restart-admin-token-0123456789abcdef"));
        properties.forEach(System::setProperty);
        try {
            String managementKey;
            ApplicationContext first = Keyway.start();
            try {
                HttpResponse<String> created = send(first, HttpRequest.newBuilder(uri(first, "/admin/accounts"))
                        .header("Authorization", "Bearer restart-admin-token-0123456789abcdef").header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"durable\"}")));
                assertEquals(201, created.statusCode(), created.body());
                managementKey = io.keyway.testkit.SecretLedger.record(field(created.body(), "management_key"));

                // The admin CLI beside the running gateway reaches the gateway's own embedded PostgreSQL.
                java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
                java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
                int status = KeywayCli.run(new String[]{"accounts", "list"}, java.io.InputStream.nullInputStream(),
                        new java.io.PrintStream(out, true), new java.io.PrintStream(err, true), Map.of());
                assertEquals(0, status, "the CLI beside a running gateway: " + err);
                assertTrue(out.toString().contains("durable"), out.toString());
            } finally {
                stop(first);
            }
            assertTrue(Files.exists(dataDirectory.resolve("PG_VERSION")), "no PostgreSQL cluster in " + dataDirectory);

            ApplicationContext second = Keyway.start();
            try {
                HttpResponse<String> listed = send(second, HttpRequest.newBuilder(uri(second, "/v1/keys"))
                        .header("Authorization", "Bearer " + managementKey).GET());
                assertEquals(200, listed.statusCode(), "the account did not survive the restart: " + listed.body());
                assertEquals(200, send(second, HttpRequest.newBuilder(uri(second, "/health")).GET()).statusCode());
            } finally {
                stop(second);
            }
        } finally {
            properties.keySet().forEach(System::clearProperty);
        }
    }

    @Test
    void withADatabaseConfiguredKeywayUsesItAndStartsNoEmbeddedOne() throws Exception {
        TestDatabase database = TestDatabase.get();
        Map<String, String> properties = new java.util.HashMap<>(Map.of("datasources.default.url", database.url(),
                "micronaut.server.port", "-1"));
        if (database.username() != null) {
            properties.put("datasources.default.username", database.username());
            properties.put("datasources.default.password", database.password() == null ? "" : database.password());
        }
        properties.forEach(System::setProperty);
        try (ApplicationContext context = Keyway.start()) {
            assertTrue(context.findBean(EmbeddedDatabase.class).isEmpty(), "an embedded PostgreSQL was started anyway");
            assertEquals(200, send(context, HttpRequest.newBuilder(uri(context, "/health")).GET()).statusCode());
            try (java.sql.Connection connection = database.connect();
                 java.sql.ResultSet migrated = connection.createStatement().executeQuery(
                         "SELECT count(*) FROM flyway_schema_history WHERE success")) {
                assertTrue(migrated.next() && migrated.getInt(1) >= 1, "Flyway did not migrate the configured database");
            }
        } finally {
            properties.keySet().forEach(System::clearProperty);
        }
    }

    private static URI uri(ApplicationContext context, String path) {
        return URI.create("http://127.0.0.1:" + context.getBean(EmbeddedServer.class).getPort() + path);
    }

    private HttpResponse<String> send(ApplicationContext context, HttpRequest.Builder request) throws Exception {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void stop(ApplicationContext context) {
        EmbeddedDatabase database = context.getBean(EmbeddedDatabase.class);
        context.close();
        database.close();
    }
}
