package io.keyway.bootstrap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.keyway.persistence.testkit.TestDatabase;
import io.keyway.domain.testkit.Await;
import io.keyway.testkit.Gateway;
import io.keyway.testkit.KeywayExtension;
import io.keyway.testkit.SecretLedger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.keyway.testkit.Gateway.field;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The audit trail over HTTP against PostgreSQL: each change writes exactly one row with its actor and change and no
 * secret, a failed change writes none, another account sees nothing, the database refuses edits, and verify finds a row
 * edited behind its back.
 */
class AuditTrailTest {
    @RegisterExtension
    static final KeywayExtension keyway = KeywayExtension.standard();

    private static final ObjectMapper JSON = new ObjectMapper();
    private final Gateway gateway = keyway.gateway();

    private List<JsonNode> trail(String management) {
        return trailAt(gateway, management);
    }

    private static List<String> actions(List<JsonNode> rows) {
        List<String> actions = new ArrayList<>();
        for (int i = rows.size() - 1; i >= 0; i--) {
            actions.add(rows.get(i).get("action").asText());
        }
        return actions;
    }

    @Test
    void everyChangeIsOneRowWithItsActorAndChangeAndNoSecret() throws Exception {
        String management = gateway.createAccount("audited");
        String managementId = management.substring(4, 20);
        String openRouterKey = SecretLedger.record("sk-or-v1-audited-" + UUID.randomUUID() + "WXYZ");
        String key = gateway.createGatewayKey(management, openRouterKey);
        String keyId = key.substring(3, 19);
        assertEquals(200, gateway.send("PATCH", "/v1/keys/" + keyId, management, "{\"limits\":{\"requests_per_minute\":5}}").statusCode());
        String groqKey = SecretLedger.record("gsk_audited" + UUID.randomUUID().toString().replace("-", "") + "GHIJ");
        HttpResponse<String> attached = gateway.send("PUT", "/v1/key/provider-keys/groq", key, "{\"api_key\":\"" + groqKey + "\"}");
        HttpResponse<String> rotated = gateway.post("/v1/key/rotate", key, "{\"grace_seconds\":60}");
        assertEquals(200, rotated.statusCode(), rotated.body());
        String fresh = SecretLedger.record(field(rotated.body(), "key"));
        assertEquals(200, gateway.send("DELETE", "/v1/key/provider-keys/openrouter", fresh, null).statusCode());
        int before = trail(management).size();
        assertEquals(404, gateway.send("DELETE", "/v1/keys/0123456789abcdef", management, null).statusCode());
        assertEquals(before, trail(management).size(), "a change that failed wrote no row");
        assertEquals(204, gateway.send("DELETE", "/v1/keys/" + keyId, management, null).statusCode());
        HttpResponse<String> newManagement = gateway.post("/v1/management-keys/rotate", management, null);
        assertEquals(200, newManagement.statusCode(), newManagement.body());
        String management2 = SecretLedger.record(field(newManagement.body(), "key"));

        List<JsonNode> rows = trail(management2);
        List<String> expected = new ArrayList<>(List.of("account.created", "management_key.created", "gateway_key.created",
                "provider_key.attached", "gateway_key.limits_changed"));
        if (attached.statusCode() == 200) {
            expected.add("provider_key.attached");
        }
        expected.addAll(List.of("gateway_key.rotated", "provider_key.detached", "gateway_key.revoked", "management_key.rotated"));
        assertEquals(expected, actions(rows), rows.toString());

        JsonNode created = rows.get(rows.size() - 3);
        assertEquals("management_key:" + managementId, created.get("actor").asText());
        assertEquals(keyId, created.get("key_id").asText());
        assertEquals("127.0.0.1", created.get("client_address").asText());
        assertTrue(created.get("request_id").asText().startsWith("req_"));
        JsonNode openRouterAttached = rows.get(rows.size() - 4);
        assertEquals("openrouter", openRouterAttached.get("provider").asText());
        assertEquals("WXYZ", openRouterAttached.get("change").get("last_four").asText());
        JsonNode limits = rows.get(rows.size() - 5);
        assertTrue(limits.get("change").get("old_requests_per_minute").isNull());
        assertEquals(5, limits.get("change").get("requests_per_minute").asInt());
        JsonNode rotation = rows.stream().filter(row -> row.get("action").asText().equals("gateway_key.rotated")).findFirst().orElseThrow();
        assertEquals("gateway_key:" + keyId, rotation.get("actor").asText());
        assertTrue(rotation.get("change").get("grace_until").asLong() > 0);
        assertEquals("admin", rows.get(rows.size() - 1).get("actor").asText(), "the account was created with the admin token");
        assertTrue(rows.stream().filter(row -> keyId.equals(row.get("key_id").asText(null))).allMatch(row -> row.get("key_deleted").asBoolean()),
                "the revoked key's rows stay, showing it deleted");
        assertTrue(rows.get(rows.size() - 1).get("key_deleted").isNull(), "account.created names no key");

        String everything = gateway.get("/v1/audit?limit=500", management2).body()
                + gateway.send("GET", "/v1/audit", management2, null, Map.of("Accept", "application/x-ndjson")).body();
        for (String secret : List.of(key, fresh, openRouterKey, groqKey, management, management2)) {
            for (String encoding : SecretLedger.encodingsOf(secret)) {
                assertFalse(everything.contains(encoding), "the trail holds a secret");
            }
        }
        HttpResponse<String> verified = gateway.get("/v1/audit/verify", management2);
        assertEquals(true, JSON.readTree(verified.body()).get("intact").asBoolean(), verified.body());
        assertEquals(JSON.readTree(verified.body()).get("head").asText(), JSON.readTree(gateway.get("/v1/audit", management2).body()).get("head").asText());
    }

    @Test
    void anotherAccountSeesNothingAndPagesFollowTheCursor() throws Exception {
        String mine = gateway.createAccount("audit-mine");
        for (int i = 0; i < 3; i++) {
            gateway.createGatewayKey(mine, null);
        }
        String theirs = gateway.createAccount("audit-theirs");
        List<JsonNode> theirRows = trail(theirs);
        assertEquals(List.of("account.created", "management_key.created"), actions(theirRows));
        JsonNode first = JSON.readTree(gateway.get("/v1/audit?limit=2", mine).body());
        assertEquals(2, first.get("data").size());
        JsonNode second = JSON.readTree(gateway.get("/v1/audit?limit=2&cursor=" + first.get("next_cursor").asText(), mine).body());
        assertTrue(second.get("data").get(0).get("id").asLong() < first.get("data").get(1).get("id").asLong());
        JsonNode onlyCreations = JSON.readTree(gateway.get("/v1/audit?action=gateway_key.created", mine).body());
        assertEquals(3, onlyCreations.get("data").size());
        Gateway.assertOpenAiError(gateway.get("/v1/audit?limit=501", mine), 400, "invalid_request");
        Gateway.assertOpenAiError(gateway.get("/v1/audit?cursor=abc", mine), 400, "invalid_request");
        assertEquals(401, gateway.get("/v1/audit", null).statusCode());
    }

    @Test
    void theDatabaseRefusesEditsAndVerifyFindsARowRewrittenBehindItsBack() throws Exception {
        String management = gateway.createAccount("audit-tampered");
        gateway.createGatewayKey(management, null);
        gateway.createGatewayKey(management, null);
        List<JsonNode> rows = trail(management);
        long victim = rows.get(1).get("id").asLong();
        try (Connection connection = TestDatabase.get().connect(); Statement statement = connection.createStatement()) {
            assertThrows(SQLException.class, () -> statement.executeUpdate("UPDATE audit_events SET actor = 'someone' WHERE seq = " + victim));
            assertThrows(SQLException.class, () -> statement.executeUpdate("DELETE FROM audit_events WHERE seq = " + victim));
            // An operator who turns the guard off and rewrites a row:
            statement.execute("ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only");
            statement.executeUpdate("UPDATE audit_events SET actor = 'someone' WHERE seq = " + victim);
            statement.execute("ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only");
        }
        JsonNode verified = JSON.readTree(gateway.get("/v1/audit/verify", management).body());
        assertFalse(verified.get("intact").asBoolean(), verified.toString());
        assertEquals(victim, verified.get("first_mismatch").asLong());
        assertNull(JSON.readTree(gateway.get("/v1/audit/verify", gateway.createAccount("audit-untouched")).body()).get("first_mismatch").numberValue());
    }

    @Test
    void theRetentionPruneIsTheOneDeletionAndTheChainIsCheckedFromTheOldestRowLeft() throws Exception {
        String management = gateway.createAccount("audit-pruned");
        gateway.createGatewayKey(management, null);
        List<JsonNode> rows = trail(management);
        long oldest = rows.get(rows.size() - 1).get("id").asLong();
        try (Connection connection = TestDatabase.get().connect(); Statement statement = connection.createStatement()) {
            connection.setAutoCommit(false);
            statement.execute("SET LOCAL keyway.audit_prune = 'on'");
            assertEquals(1, statement.executeUpdate("DELETE FROM audit_events WHERE seq = " + oldest), "the prune's own deletion");
            connection.commit();
        }
        JsonNode verified = JSON.readTree(gateway.get("/v1/audit/verify", management).body());
        assertTrue(verified.get("intact").asBoolean(), "the rows left still form a chain: " + verified);
        assertEquals(rows.size() - 1, verified.get("rows").asInt());
        String account = JSON.readTree(gateway.get("/v1/audit", management).body()).get("data").get(0).get("account_id").asText();
        HttpResponse<String> operator = gateway.get("/admin/audit?account=" + account, gateway.adminToken());
        assertEquals(200, operator.statusCode(), operator.body());
        assertEquals(rows.size() - 1, JSON.readTree(operator.body()).get("data").size());
        assertEquals(401, gateway.get("/admin/audit?account=" + account, management).statusCode());
    }

    private static List<JsonNode> rowsOf(List<JsonNode> rows, String action) {
        return rows.stream().filter(row -> row.get("action").asText().equals(action)).toList();
    }

    @Test
    void anExpiredKeyIsRecordedAtItsFirstRefusalOnly() throws Exception {
        String management = gateway.createAccount("audit-expiring");
        long expiresAt = java.time.Instant.now().getEpochSecond() + 2;
        HttpResponse<String> created = gateway.post("/v1/keys", management, "{\"name\":\"brief\",\"expires_at\":" + expiresAt + "}");
        assertEquals(201, created.statusCode(), created.body());
        String key = SecretLedger.record(field(created.body(), "key"));
        String keyId = key.substring(3, 19);
        assertEquals(200, gateway.get("/v1/key", key).statusCode());
        assertTrue(rowsOf(trail(management), "gateway_key.expired").isEmpty(), "not before it expired");

        Await.until(() -> gateway.get("/v1/key", key).statusCode() == 401, java.time.Duration.ofSeconds(5), "the key expired");
        for (int i = 0; i < 5; i++) {
            Gateway.assertOpenAiError(gateway.get("/v1/key", key), 401, "expired_api_key");
        }
        String wrongSecret = key.substring(0, 20) + "A".repeat(43) + key.substring(key.length() - 8);
        assertEquals(401, gateway.get("/v1/key", wrongSecret).statusCode());

        Await.until(() -> !rowsOf(trail(management), "gateway_key.expired").isEmpty(), java.time.Duration.ofSeconds(5), "the refusal was recorded");
        Thread.sleep(300);
        List<JsonNode> expired = rowsOf(trail(management), "gateway_key.expired");
        assertEquals(1, expired.size(), "one row for six refusals: " + expired);
        assertEquals(keyId, expired.get(0).get("key_id").asText());
        assertFalse(expired.get(0).get("key_deleted").asBoolean(), "an expired key still exists");
        assertEquals("gateway_key:" + keyId, expired.get(0).get("actor").asText());
        assertEquals(java.time.Instant.ofEpochSecond(expiresAt).toString(), expired.get(0).get("change").get("expired_at").asText());
        assertTrue(JSON.readTree(gateway.get("/v1/audit/verify", management).body()).get("intact").asBoolean());
    }

    @Test
    void aLockoutIsOneRowOnTheTrailOfTheAccountWhoseKeyWasTried() throws Exception {
        try (Gateway guarded = Gateway.start(keyway.openRouter().baseUrl(), Map.of("keyway.auth-failures.per-minute", 3,
                "keyway.auth-failures.trusted-proxies", List.of("127.0.0.1")))) {
            String targeted = guarded.createAccount("audit-targeted");
            String key = guarded.createGatewayKey(targeted, null);
            String keyId = key.substring(3, 19);
            String bystander = guarded.createAccount("audit-bystander");
            String wrongSecret = key.substring(0, 20) + "A".repeat(43) + key.substring(key.length() - 8);
            Map<String, String> from = Map.of("X-Forwarded-For", "198.51.100.23");
            for (int i = 0; i < 3; i++) {
                assertEquals(401, guarded.send("GET", "/v1/key", wrongSecret, null, from).statusCode(), "failure " + (i + 1));
            }
            for (int i = 0; i < 4; i++) {
                assertEquals(429, guarded.send("GET", "/v1/key", wrongSecret, null, from).statusCode(), "locked out");
            }

            Gateway trails = guarded;
            Await.until(() -> !rowsOf(trailAt(trails, targeted), "auth.locked_out").isEmpty(), java.time.Duration.ofSeconds(5), "the lockout was recorded");
            Thread.sleep(300);
            List<JsonNode> lockouts = rowsOf(trailAt(guarded, targeted), "auth.locked_out");
            assertEquals(1, lockouts.size(), "once per lockout, not per failure: " + lockouts);
            JsonNode lockout = lockouts.get(0);
            assertEquals(keyId, lockout.get("key_id").asText());
            assertEquals("198.51.100.23", lockout.get("client_address").asText());
            assertEquals("system", lockout.get("actor").asText());
            assertEquals(3, lockout.get("change").get("failures").asInt());
            assertEquals(keyId, lockout.get("change").get("keys_tried").asText());
            assertTrue(rowsOf(trailAt(guarded, bystander), "auth.locked_out").isEmpty(), "an account whose keys were not tried sees none");
        }
    }

    private static List<JsonNode> trailAt(Gateway at, String management) {
        HttpResponse<String> page = at.get("/v1/audit?limit=500", management);
        assertEquals(200, page.statusCode(), page.body());
        List<JsonNode> rows = new ArrayList<>();
        try {
            JSON.readTree(page.body()).get("data").forEach(rows::add);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return rows;
    }
}
