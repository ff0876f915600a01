package io.keyway.bootstrap;

import io.keyway.bootstrap.support.SecretsNeverLogged;
import io.keyway.domain.testkit.Await;
import io.keyway.domain.testkit.FakeUpstream;
import io.keyway.testkit.Gateway;
import io.keyway.testkit.SecretLedger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.keyway.testkit.Gateway.field;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The review's findings: guessing is slowed, unsafe configuration refuses to start, logs cannot be forged or leak keys. */
class HardeningTest {
    private static FakeUpstream openRouter;

    @BeforeAll
    static void start() {
        openRouter = FakeUpstream.start();
    }

    @AfterAll
    static void stop() {
        openRouter.close();
    }

    private static String rootMessage(Throwable failure) {
        StringBuilder all = new StringBuilder();
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            all.append(cause.getMessage()).append('\n');
        }
        return all.toString();
    }

    @Test
    void failedAuthenticationsBeyondTheLimitAreRefusedWith429BeforeAnyLookup() {
        try (Gateway gateway = Gateway.start(openRouter.baseUrl(), Map.of("keyway.auth-failures.per-minute", 5))) {
            String management = gateway.createAccount("guessed");
            String key = gateway.createGatewayKey(management, null);
            String wrongSecret = key.substring(0, 20) + "A".repeat(43);

            for (int i = 0; i < 5; i++) {
                String guess = i % 2 == 0 ? "kw-0123456789abcdef_" + "B".repeat(43) + "00000000" : wrongSecret;
                assertEquals(401, gateway.get("/v1/key", guess).statusCode(), "failure " + (i + 1) + " of the 5 allowed");
            }
            HttpResponse<String> limited = gateway.get("/v1/key", key);

            assertEquals(429, limited.statusCode(), "even the right key waits once the address is over the limit: " + limited.body());
            assertEquals("too_many_failed_attempts", field(limited.body(), "code"));
            long retryAfter = Long.parseLong(limited.headers().firstValue("Retry-After").orElseThrow());
            assertTrue(retryAfter >= 1 && retryAfter <= 60, "Retry-After " + retryAfter);
            assertEquals(429, gateway.post("/admin/accounts", "guess", "{\"name\":\"x\"}").statusCode());
            assertEquals(200, gateway.get("/health", null).statusCode(), "health checks are not API calls");
        }
    }

    @Test
    void behindATrustedProxyARotatingForwardedForCountsUnderTheAddressTheProxyAppended() {
        try (Gateway gateway = Gateway.start(openRouter.baseUrl(), Map.of("keyway.auth-failures.per-minute", 5,
                "keyway.auth-failures.trusted-proxies", List.of("127.0.0.1")))) {
            String wrong = "kw-0123456789abcdef_" + "B".repeat(43) + "00000000";
            for (int i = 0; i < 100; i++) {
                // The client writes a new address each time; its proxy (this loopback peer, trusted) appends the real one.
                HttpResponse<String> guess = gateway.send("GET", "/v1/key", wrong, null,
                        Map.of("X-Forwarded-For", "203.0.113." + (i % 250) + ", 198.51.100.7"));
                if (i < 5) {
                    assertEquals(401, guess.statusCode(), "guess " + (i + 1));
                } else {
                    assertEquals(429, guess.statusCode(), "guess " + (i + 1) + " with a forged leftmost address was not limited");
                }
            }
            assertEquals(401, gateway.send("GET", "/v1/key", wrong, null, Map.of("X-Forwarded-For", "198.51.100.8")).statusCode(),
                    "another client behind the same proxy is not locked out");
        }
        try (Gateway untrusted = Gateway.start(openRouter.baseUrl(), Map.of("keyway.auth-failures.per-minute", 3))) {
            String wrong = "kw-0123456789abcdef_" + "B".repeat(43) + "00000000";
            for (int i = 0; i < 3; i++) {
                untrusted.send("GET", "/v1/key", wrong, null, Map.of("X-Forwarded-For", "203.0.113." + i));
            }
            assertEquals(429, untrusted.send("GET", "/v1/key", wrong, null, Map.of("X-Forwarded-For", "203.0.113.200")).statusCode(),
                    "with no trusted proxy the header is ignored: the peer is counted");
        }
    }

    /** Sends headers declaring a 9 MB body and only its first bytes, then reads the status line (or times out). */
    private static String statusWithBodyUnsent(Gateway gateway, String path, String bearer) throws Exception {
        try (java.net.Socket client = new java.net.Socket("127.0.0.1", gateway.uri("/").getPort())) {
            client.setSoTimeout(3000);
            client.getOutputStream().write(("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + (bearer == null ? "" : "Authorization: Bearer " + bearer + "\r\n")
                    + "Content-Type: application/json\r\nContent-Length: 9000000\r\n\r\n{\"model\":\"").getBytes(StandardCharsets.UTF_8));
            client.getOutputStream().flush();
            java.io.BufferedReader status = new java.io.BufferedReader(new java.io.InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8));
            try {
                return status.readLine();
            } catch (java.net.SocketTimeoutException waited) {
                return "no answer while the body was unsent";
            }
        }
    }

    @Test
    void aRequestWithoutAValidKeyIsRefusedBeforeItsBodyIsRead() throws Exception {
        try (Gateway gateway = Gateway.start(openRouter.baseUrl(), Map.of())) {
            String management = gateway.createAccount("bodies");
            String key = gateway.createGatewayKey(management, null);
            String unknown = "kw-0123456789abcdef_" + "B".repeat(43) + "00000000";

            assertTrue(statusWithBodyUnsent(gateway, "/v1/chat/completions", null).startsWith("HTTP/1.1 401"));
            assertTrue(statusWithBodyUnsent(gateway, "/v1/chat/completions", "sk-not-a-keyway-key").startsWith("HTTP/1.1 401"));
            assertTrue(statusWithBodyUnsent(gateway, "/v1/embeddings", key.substring(0, 30) + "x".repeat(48)).startsWith("HTTP/1.1 401"));
            assertTrue(statusWithBodyUnsent(gateway, "/v1/chat/completions", management).startsWith("HTTP/1.1 403"),
                    "a management key on a completion route");
            assertEquals("no answer while the body was unsent", statusWithBodyUnsent(gateway, "/v1/chat/completions", key),
                    "a valid key's body is read as before");
            assertTrue(statusWithBodyUnsent(gateway, "/v1/keys", null).startsWith("HTTP/1.1 401"));
            assertTrue(statusWithBodyUnsent(gateway, "/v1/keys", management).startsWith("HTTP/1.1 413"),
                    "a key-management body over 64 KB is refused before it is read");
            assertTrue(statusWithBodyUnsent(gateway, "/admin/accounts", gateway.adminToken()).startsWith("HTTP/1.1 413"));
            HttpResponse<String> bad = gateway.post("/v1/chat/completions", unknown, "not json at all");
            assertEquals(401, bad.statusCode(), "the key is checked before the body: " + bad.body());
            assertEquals(400, gateway.post("/v1/chat/completions", key, "not json at all").statusCode());
        }
    }

    @Test
    void aClientAddressHeaderWithoutTrustedProxiesStopsTheStart() {
        RuntimeException refused = assertThrows(RuntimeException.class, () -> Gateway.start(openRouter.baseUrl(),
                Map.of("keyway.auth-failures.client-address-header", "X-Forwarded-For")).close());
        assertTrue(rootMessage(refused).contains("keyway.auth-failures.trusted-proxies"), rootMessage(refused));
        RuntimeException notACidr = assertThrows(RuntimeException.class, () -> Gateway.start(openRouter.baseUrl(),
                Map.of("keyway.auth-failures.trusted-proxies", List.of("proxy.example.com"))).close());
        assertTrue(rootMessage(notACidr).contains("'proxy.example.com' is not an IP address or CIDR block"), rootMessage(notACidr));
    }

    @Test
    void anUpstreamThatIsNotHttpsOrOnThisMachineStopsTheStartNamingTheProperty() {
        RuntimeException openRouterOverHttp = assertThrows(RuntimeException.class,
                () -> Gateway.start("http://openrouter.example.com/api/v1", Map.of()).close());
        assertTrue(rootMessage(openRouterOverHttp).contains("keyway.openrouter.base-url"), rootMessage(openRouterOverHttp));

        RuntimeException operatorOverHttp = assertThrows(RuntimeException.class, () -> Gateway.start(openRouter.baseUrl(), Map.of(
                "keyway.upstreams.lab.base-url", "http://10.1.2.3:8000/v1",
                "keyway.upstreams.lab.models", List.of("lab-model"))).close());
        assertTrue(rootMessage(operatorOverHttp).contains("keyway.upstreams.lab.base-url"), rootMessage(operatorOverHttp));

        // A *.localhost name that /etc/hosts does not map to loopback may be resolved by DNS to anywhere.
        RuntimeException dnsLocalhost = assertThrows(RuntimeException.class, () -> Gateway.start(openRouter.baseUrl(), Map.of(
                "keyway.upstreams.lab.base-url", "http://models-" + java.util.UUID.randomUUID() + ".localhost:8000/v1",
                "keyway.upstreams.lab.models", List.of("lab-model"))).close());
        assertTrue(rootMessage(dnsLocalhost).contains("keyway.upstreams.lab.base-url"), rootMessage(dnsLocalhost));

        try (Gateway local = Gateway.start(openRouter.baseUrl(), Map.of(
                "keyway.upstreams.local.base-url", "http://localhost:9/v1",
                "keyway.upstreams.local.models", List.of("local-model"),
                "keyway.upstreams.remote.base-url", "https://models.example.com/v1",
                "keyway.upstreams.remote.models", List.of("remote-model")))) {
            assertEquals(200, local.get("/health", null).statusCode(), "https anywhere and http to this machine are accepted");
        }
    }

    @Test
    void anAdminTokenShorterThan32CharactersStopsTheStart() {
        RuntimeException refused = assertThrows(RuntimeException.class, () -> Gateway.startWith(Map.of(
                "keyway.openrouter.base-url", openRouter.baseUrl(), "keyway.admin-token", "short-token"), null).close());

        assertTrue(rootMessage(refused).contains("at least 32"), rootMessage(refused));
        assertFalse(rootMessage(refused).contains("short-token"), "the refusal must not repeat the token");
    }

    @Test
    void clientTextCannotForgeALogLineAndKeysInPathsAreRedacted() throws Exception {
        try (Gateway gateway = Gateway.start(openRouter.baseUrl(), Map.of())) {
            String management = gateway.createAccount("logged");
            String key = gateway.createGatewayKey(management, null);
            String forged = "x\n12:00:00.000 INFO  [main] io.keyway.Forged - admin logged in";

            HttpResponse<String> refused = gateway.post("/v1/chat/completions", key,
                    "{\"model\":\"" + forged.replace("\n", "\\n") + "\"}");
            assertEquals(404, refused.statusCode(), "BODY=" + refused.body() + " HEADERS=" + refused.headers().map());
            assertEquals(404, gateway.get("/v1/keys/" + key, management).statusCode());
            String requestId = refused.headers().firstValue("x-request-id").orElseThrow();

            Await.until(() -> logHolds(requestId), Duration.ofSeconds(2), "the request's access line was written");
            String log = Files.readString(SecretsNeverLogged.LOG, StandardCharsets.UTF_8);
            assertFalse(log.lines().anyMatch(line -> line.startsWith("12:00:00.000 INFO  [main] io.keyway.Forged")), "a client forged a log line");
            assertFalse(log.contains(key), "a key in a path reached the log");
            assertTrue(log.contains("kw-" + key.substring(3, 19) + "_[REDACTED]"), "the key's id stays for the operator");
        }
    }

    private static boolean logHolds(String text) {
        try {
            return Files.readString(SecretsNeverLogged.LOG, StandardCharsets.UTF_8).contains(text);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void theEmbeddedDatabaseListensOnLoopbackAndRequiresItsGeneratedPassword() throws Exception {
        java.nio.file.Path data = Files.createTempDirectory("keyway-embedded-");
        try (EmbeddedDatabase database = EmbeddedDatabase.start(data)) {
            java.nio.file.Path passwordFile = data.resolve(EmbeddedDatabase.PASSWORD_FILE);
            assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(passwordFile)));
            SecretLedger.record(database.password());

            java.util.Properties noPassword = new java.util.Properties();
            noPassword.setProperty("user", "postgres");
            assertThrows(java.sql.SQLException.class, () -> java.sql.DriverManager.getConnection(database.jdbcUrl(), noPassword).close());
            java.util.Properties wrongPassword = new java.util.Properties();
            wrongPassword.setProperty("user", "postgres");
            wrongPassword.setProperty("password", "not-" + UUID.randomUUID());
            assertThrows(java.sql.SQLException.class, () -> java.sql.DriverManager.getConnection(database.jdbcUrl(), wrongPassword).close());
            java.util.Properties right = new java.util.Properties();
            right.setProperty("user", "postgres");
            right.setProperty("password", database.password());
            try (java.sql.Connection connection = java.sql.DriverManager.getConnection(database.jdbcUrl(), right);
                 java.sql.ResultSet listen = connection.createStatement().executeQuery("SHOW listen_addresses")) {
                assertTrue(listen.next());
                assertEquals("localhost", listen.getString(1));
            }
        }
        // A second start on the same data keeps the password and still refuses a login without it.
        try (EmbeddedDatabase again = EmbeddedDatabase.start(data)) {
            java.util.Properties noPassword = new java.util.Properties();
            noPassword.setProperty("user", "postgres");
            assertThrows(java.sql.SQLException.class, () -> java.sql.DriverManager.getConnection(again.jdbcUrl(), noPassword).close());
        }
    }
}
