package io.keyway.bootstrap;

import io.keyway.domain.testkit.Await;
import io.keyway.domain.testkit.FakeUpstream;
import io.keyway.testkit.Gateway;
import io.keyway.testkit.KeywayExtension;
import io.keyway.testkit.SecretLedger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static io.keyway.testkit.Gateway.assertOpenAiError;
import static io.keyway.testkit.Gateway.field;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Rotation, expiry, management keys and the admin API, over HTTP against PostgreSQL. */
class KeyLifecycleTest {
    @RegisterExtension
    static final KeywayExtension keyway = KeywayExtension.standard();

    private final FakeUpstream openRouter = keyway.openRouter();
    private final Gateway gateway = keyway.gateway();

    @BeforeEach
    void use() {
        openRouter.answer("chat/completions", FakeUpstream.json(200, FakeUpstream.chatCompletion("a/b", "hi")));
    }

    private HttpResponse<String> chat(String key) {
        return gateway.post("/v1/chat/completions", key, "{\"model\":\"openrouter-a/b\",\"messages\":[]}");
    }

    private String rotate(String key, Long grace) {
        HttpResponse<String> rotated = gateway.post("/v1/key/rotate", key, grace == null ? null : "{\"grace_seconds\":" + grace + "}");
        assertEquals(200, rotated.statusCode(), rotated.body());
        return SecretLedger.record(field(rotated.body(), "key"));
    }

    /** The id of the account a management key belongs to, found through the admin API by the key's public id. */
    private String accountIdOf(String managementKey) {
        HttpResponse<String> accounts = gateway.get("/admin/accounts", gateway.adminToken());
        assertEquals(200, accounts.statusCode());
        String keyId = managementKey.substring(4, 20);
        for (String id : ids(accounts.body())) {
            if (gateway.get("/admin/accounts/" + id, gateway.adminToken()).body().contains("\"id\":\"" + keyId + "\"")) {
                return id;
            }
        }
        throw new AssertionError("no account found for the management key");
    }

    private static long number(String json, String name) {
        java.util.regex.Matcher matcher = java.util.regex.Pattern.compile("\"" + name + "\":(-?\\d+)").matcher(json);
        if (!matcher.find()) {
            throw new AssertionError("no number field '" + name + "' in " + json);
        }
        return Long.parseLong(matcher.group(1));
    }

    private static List<String> ids(String list) {
        List<String> ids = new ArrayList<>();
        java.util.regex.Matcher matcher = java.util.regex.Pattern.compile("\"id\":\"([0-9a-f-]{36})\"").matcher(list);
        while (matcher.find()) {
            ids.add(matcher.group(1));
        }
        return ids;
    }

    @Test
    void aRotatedKeyKeepsItsIdAndItsProviderKeyAndTheOldSecretIsRefusedOnItsNextRequest() {
        String management = gateway.createAccount("rotates");
        String openRouterKey = SecretLedger.record("sk-or-v1-rotation-" + UUID.randomUUID());
        String old = gateway.createGatewayKey(management, openRouterKey);

        HttpResponse<String> rotated = gateway.post("/v1/key/rotate", old, null);

        assertEquals(200, rotated.statusCode(), rotated.body());
        String fresh = SecretLedger.record(field(rotated.body(), "key"));
        assertEquals(old.substring(0, 20), fresh.substring(0, 20), "the id stays");
        assertNotEquals(old, fresh);
        assertEquals(200, chat(fresh).statusCode());
        assertEquals("Bearer " + openRouterKey, openRouter.last().header("Authorization"));
        assertOpenAiError(chat(old), 401, "invalid_api_key");
        assertOpenAiError(gateway.get("/v1/key", old), 401, "invalid_api_key");
    }

    @Test
    void aGracePeriodKeepsTheOldSecretWorkingUntilItEnds() throws Exception {
        String management = gateway.createAccount("graceful");
        String openRouterKey = SecretLedger.record("sk-or-v1-grace-" + UUID.randomUUID());
        String old = gateway.createGatewayKey(management, openRouterKey);

        String fresh = rotate(old, 2L);

        assertEquals(200, chat(old).statusCode());
        assertEquals("Bearer " + openRouterKey, openRouter.last().header("Authorization"));
        HttpResponse<String> shown = gateway.get("/v1/key", fresh);
        assertTrue(number(shown.body(), "previous_secret_valid_until") >= Instant.now().getEpochSecond(), shown.body());
        assertOpenAiError(gateway.send("PUT", "/v1/key/provider-keys/openrouter", old, "{\"api_key\":\"sk-or-v1-via-old-secret-0001\"}"),
                401, "invalid_api_key");
        Await.until(() -> chat(old).statusCode() == 401, Duration.ofSeconds(4), "the old secret was refused after its grace period");
        assertEquals(200, chat(fresh).statusCode());
        assertOpenAiError(gateway.post("/v1/key/rotate", fresh, "{\"grace_seconds\":86401}"), 400, "invalid_request");
        assertOpenAiError(gateway.post("/v1/key/rotate", fresh, "{\"grace_seconds\":\"soon\"}"), 400, "invalid_request");
    }

    @Test
    void requestsDuringARotationSeeTheOldKeyOrTheNewNeverABrokenSeal() throws Exception {
        String management = gateway.createAccount("busy");
        String openRouterKey = SecretLedger.record("sk-or-v1-busy-" + UUID.randomUUID());
        String key = gateway.createGatewayKey(management, openRouterKey);
        Set<Integer> statuses = ConcurrentHashMap.newKeySet();
        AtomicBoolean running = new AtomicBoolean(true);
        java.util.concurrent.atomic.AtomicLong calls = new java.util.concurrent.atomic.AtomicLong();
        ExecutorService callers = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> loops = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                loops.add(callers.submit(() -> {
                    while (running.get()) {
                        statuses.add(chat(key).statusCode());
                        calls.incrementAndGet();
                    }
                }));
            }
            Await.until(() -> calls.get() >= 20, Duration.ofSeconds(10), "callers under way before the rotation");
            String fresh = rotate(key, null);
            long rotatedAt = calls.get();
            Await.until(() -> calls.get() >= rotatedAt + 40, Duration.ofSeconds(10), "callers still calling after the rotation");
            running.set(false);
            for (Future<?> loop : loops) {
                loop.get(10, TimeUnit.SECONDS);
            }
            assertEquals(200, chat(fresh).statusCode());
        } finally {
            callers.shutdownNow();
        }
        assertTrue(Set.of(200, 401).containsAll(statuses), "only the old key's answer or a refusal, never a failed unsealing: " + statuses);
        assertTrue(statuses.contains(200));
        assertTrue(openRouter.received().stream().allMatch(call -> ("Bearer " + openRouterKey).equals(call.header("Authorization"))));
    }

    @Test
    void anExpiredKeyAnswers401SayingWhenItExpired() {
        String management = gateway.createAccount("expiring");
        long expiresAt = Instant.now().getEpochSecond() + 2;
        HttpResponse<String> created = gateway.post("/v1/keys", management, "{\"name\":\"ci\",\"expires_at\":" + expiresAt + "}");
        assertEquals(201, created.statusCode(), created.body());
        String key = SecretLedger.record(field(created.body(), "key"));
        assertEquals(expiresAt, number(created.body(), "expires_at"));
        assertTrue(gateway.get("/v1/keys", management).body().contains("\"expires_at\":" + expiresAt));
        assertEquals(404, gateway.post("/v1/chat/completions", key, "{\"model\":\"nobody-serves-this\"}").statusCode());

        Await.until(() -> gateway.get("/v1/key", key).statusCode() == 401, Duration.ofSeconds(4), "the key expired");

        HttpResponse<String> refused = chat(key);
        assertOpenAiError(refused, 401, "expired_api_key");
        assertTrue(field(refused.body(), "message").contains(Long.toString(expiresAt)), refused.body());
        assertOpenAiError(gateway.post("/v1/key/rotate", key, null), 401, "expired_api_key");
    }

    @Test
    void anExpiryMustBeAFutureWholeNumberOfSeconds() {
        String management = gateway.createAccount("bad-expiry");
        long now = Instant.now().getEpochSecond();
        for (String expiry : List.of(Long.toString(now - 10), "\"tomorrow\"", "1.5", Long.toString(Long.MAX_VALUE))) {
            HttpResponse<String> refused = gateway.post("/v1/keys", management, "{\"name\":\"x\",\"expires_at\":" + expiry + "}");
            assertOpenAiError(refused, 400, "invalid_request");
            assertEquals("expires_at", field(refused.body(), "param"), refused.body());
        }
        assertTrue(gateway.get("/v1/keys", management).body().contains("\"data\":[]"));
    }

    @Test
    void aManagementKeyRotatesItselfAndItsOldSecretIsRefused() {
        String management = gateway.createAccount("rotating-admin");

        HttpResponse<String> rotated = gateway.post("/v1/management-keys/rotate", management, null);

        assertEquals(200, rotated.statusCode(), rotated.body());
        String fresh = SecretLedger.record(field(rotated.body(), "key"));
        assertTrue(fresh.startsWith("kwm-"));
        assertOpenAiError(gateway.get("/v1/keys", management), 401, "invalid_api_key");
        assertEquals(200, gateway.get("/v1/keys", fresh).statusCode());
    }

    @Test
    void theOperatorListsReadsAndDeletesAccountsAndManagesTheirManagementKeys() {
        String management = gateway.createAccount("managed");
        String gatewayKey = gateway.createGatewayKey(management, SecretLedger.record("sk-or-v1-managed-" + UUID.randomUUID()));
        String accountId = accountIdOf(management);

        HttpResponse<String> account = gateway.get("/admin/accounts/" + accountId, gateway.adminToken());
        assertEquals(200, account.statusCode(), account.body());
        assertEquals("managed", field(account.body(), "name"));
        assertTrue(account.body().contains("\"gateway_keys\":1"), account.body());
        assertTrue(!account.body().contains("kwm-") && !account.body().contains("\"key\""), "no secret in an account: " + account.body());

        HttpResponse<String> added = gateway.post("/admin/accounts/" + accountId + "/management-keys", gateway.adminToken(), null);
        assertEquals(201, added.statusCode(), added.body());
        String second = SecretLedger.record(field(added.body(), "key"));
        assertEquals(200, gateway.get("/v1/keys", second).statusCode());
        String secondId = field(added.body(), "id");
        assertEquals(204, gateway.send("DELETE", "/admin/accounts/" + accountId + "/management-keys/" + secondId, gateway.adminToken(), null).statusCode());
        assertOpenAiError(gateway.get("/v1/keys", second), 401, "invalid_api_key");
        assertOpenAiError(gateway.send("DELETE", "/admin/accounts/" + accountId + "/management-keys/" + secondId, gateway.adminToken(), null),
                404, "not_found");

        assertEquals(200, chat(gatewayKey).statusCode());
        assertEquals(204, gateway.send("DELETE", "/admin/accounts/" + accountId, gateway.adminToken(), null).statusCode());

        assertOpenAiError(chat(gatewayKey), 401, "invalid_api_key");
        assertOpenAiError(gateway.get("/v1/keys", management), 401, "invalid_api_key");
        assertOpenAiError(gateway.get("/admin/accounts/" + accountId, gateway.adminToken()), 404, "not_found");
        assertOpenAiError(gateway.send("DELETE", "/admin/accounts/" + accountId, gateway.adminToken(), null), 404, "not_found");
        assertOpenAiError(gateway.get("/admin/accounts/not-a-uuid", gateway.adminToken()), 404, "not_found");
        assertOpenAiError(gateway.get("/admin/accounts", "not-the-admin-token"), 401, "invalid_admin_token");
        assertOpenAiError(gateway.get("/admin/accounts", management), 401, "invalid_admin_token");
    }

    /** Every endpoint refuses the wrong kind of key, a revoked key, an expired key, and another account's key. */
    @Test
    void everyEndpointRefusesWrongKindRevokedExpiredAndForeignKeys() {
        String management = gateway.createAccount("matrix");
        String stranger = gateway.createAccount("stranger");
        String gatewayKey = gateway.createGatewayKey(management, null);
        String revoked = gateway.createGatewayKey(management, null);
        String revokedId = revoked.substring(3, 19);
        assertEquals(204, gateway.send("DELETE", "/v1/keys/" + revokedId, management, null).statusCode());
        long soon = Instant.now().getEpochSecond() + 2;
        String expired = SecretLedger.record(field(gateway.post("/v1/keys", management, "{\"name\":\"brief\",\"expires_at\":" + soon + "}").body(), "key"));
        String retiredManagement = gateway.createAccount("retired");
        String rotatedAway = retiredManagement;
        SecretLedger.record(field(gateway.post("/v1/management-keys/rotate", rotatedAway, null).body(), "key"));
        String keyId = gatewayKey.substring(3, 19);

        record Call(String method, String path, String json) {
        }
        List<Call> gatewayCalls = List.of(new Call("GET", "/v1/key", null),
                new Call("PUT", "/v1/key/provider-keys/openrouter", "{\"api_key\":\"sk-or-v1-matrix-000001\"}"),
                new Call("DELETE", "/v1/key/provider-keys/openrouter", null),
                new Call("POST", "/v1/key/rotate", null),
                new Call("POST", "/v1/chat/completions", "{\"model\":\"openrouter-a/b\"}"),
                new Call("POST", "/v1/embeddings", "{\"model\":\"openrouter-a/b\"}"),
                new Call("GET", "/v1/models", null));
        List<Call> managementCalls = List.of(new Call("GET", "/v1/keys", null),
                new Call("POST", "/v1/keys", "{\"name\":\"x\"}"),
                new Call("GET", "/v1/keys/" + keyId, null),
                new Call("DELETE", "/v1/keys/" + keyId, null),
                new Call("POST", "/v1/management-keys/rotate", null));
        Await.until(() -> gateway.get("/v1/key", expired).statusCode() == 401, Duration.ofSeconds(4), "the brief key expired");

        for (Call call : gatewayCalls) {
            String what = call.method() + " " + call.path();
            assertOpenAiError(gateway.send(call.method(), call.path(), management, call.json()), 403, "wrong_key_kind");
            assertOpenAiError(gateway.send(call.method(), call.path(), revoked, call.json()), 401, "invalid_api_key");
            assertOpenAiError(gateway.send(call.method(), call.path(), expired, call.json()), 401, "expired_api_key");
            assertOpenAiError(gateway.send(call.method(), call.path(), null, call.json()), 401, "invalid_api_key");
            assertTrue(openRouter.received().isEmpty(), what + " reached the upstream");
        }
        for (Call call : managementCalls) {
            assertOpenAiError(gateway.send(call.method(), call.path(), gatewayKey, call.json()), 403, "wrong_key_kind");
            assertOpenAiError(gateway.send(call.method(), call.path(), rotatedAway, call.json()), 401, "invalid_api_key");
            assertOpenAiError(gateway.send(call.method(), call.path(), null, call.json()), 401, "invalid_api_key");
        }
        assertOpenAiError(gateway.get("/v1/keys/" + keyId, stranger), 404, "not_found");
        assertOpenAiError(gateway.send("DELETE", "/v1/keys/" + keyId, stranger, null), 404, "not_found");
        assertEquals(200, gateway.get("/v1/key", gatewayKey).statusCode(), "the stranger's attempts left the key alone");
    }

    @Test
    void aKeyHolderSeesWhereItsProviderKeyIsSent() {
        String management = gateway.createAccount("where");
        String key = gateway.createGatewayKey(management, SecretLedger.record("sk-or-v1-where-" + UUID.randomUUID()));

        HttpResponse<String> shown = gateway.get("/v1/key", key);

        String host = java.net.URI.create(openRouter.baseUrl()).getHost() + ":" + java.net.URI.create(openRouter.baseUrl()).getPort();
        assertEquals(host, field(shown.body(), "sent_to"), shown.body());
    }

    @Test
    void anUpstreamErrorThatQuotesTheKeyItWasSentDoesNotPassTheKeyOn() {
        String management = gateway.createAccount("echo");
        String openRouterKey = SecretLedger.record("sk-or-v1-echoed-" + UUID.randomUUID());
        String key = gateway.createGatewayKey(management, openRouterKey);
        openRouter.answer("chat/completions", FakeUpstream.json(401,
                "{\"error\":{\"message\":\"No auth credentials found for " + openRouterKey + "\",\"code\":401}}"));

        HttpResponse<String> relayed = chat(key);

        assertEquals(401, relayed.statusCode(), relayed.body());
        assertTrue(!relayed.body().contains(openRouterKey), relayed.body());
        assertTrue(relayed.body().contains("[REDACTED]"), relayed.body());
    }

    @Test
    void noAnswerOfAnyKindPassesTheKeyItWasSentOnInAnyEncoding() {
        String openRouterKey = SecretLedger.record("sk-or-v1-echoed-" + UUID.randomUUID());
        String key = gateway.createGatewayKey(gateway.createAccount("echo-forms"), openRouterKey);
        String escaped = openRouterKey.replace("-", "\\u002d");
        String slashed = "sk\\u002Dor-v1" + openRouterKey.substring("sk-or-v1".length());
        int cut = openRouterKey.length() / 2;
        Map<String, FakeUpstream.Reply> forms = new java.util.LinkedHashMap<>();
        forms.put("a 401 quoting it JSON-escaped", FakeUpstream.json(401,
                "{\"error\":{\"message\":\"No auth credentials found for " + escaped + "\",\"code\":401}}"));
        forms.put("a 400 quoting it with upper-case escapes", FakeUpstream.json(400,
                "{\"error\":{\"message\":\"bad key " + slashed + "\",\"code\":400}}"));
        forms.put("a 200 answer quoting it", FakeUpstream.json(200, FakeUpstream.chatCompletion("a/b", "your key is " + openRouterKey)));
        forms.put("a stream's error event quoting it across two reads", FakeUpstream.eventStream(List.of(
                "data: {\"error\":{\"message\":\"key " + openRouterKey.substring(0, cut),
                openRouterKey.substring(cut) + " was refused\"}}\n\n"), Duration.ofMillis(50)));
        forms.put("a stream's event quoting it escaped across reads", FakeUpstream.eventStream(List.of(
                "data: {\"choices\":[{\"delta\":{\"content\":\"" + escaped.substring(0, 10),
                escaped.substring(10, 14), escaped.substring(14) + "\"}}]}\n\ndata: [DONE]\n\n"), Duration.ofMillis(50)));
        forms.forEach((form, reply) -> {
            openRouter.answer("chat/completions", reply);
            boolean stream = form.contains("stream");
            HttpResponse<String> relayed = gateway.post("/v1/chat/completions", key,
                    "{\"model\":\"openrouter-a/b\",\"messages\":[]" + (stream ? ",\"stream\":true" : "") + "}");
            for (String encoding : List.of(openRouterKey, escaped, slashed, openRouterKey.substring(cut))) {
                assertFalse(relayed.body().contains(encoding), form + ": " + relayed.body());
            }
            assertTrue(relayed.body().contains("[REDACTED]"), form + ": " + relayed.body());
        });
    }

    @Test
    void aDatabaseDumpHoldsNoSecretOfARotatedKeyInItsGracePeriod() throws Exception {
        String management = gateway.createAccount("dumped");
        String openRouterKey = SecretLedger.record("sk-or-v1-dumped-" + UUID.randomUUID());
        String old = gateway.createGatewayKey(management, openRouterKey);
        String fresh = rotate(old, 600L);

        assertEquals(200, chat(old).statusCode(), "the old secret works in its grace period, so its seal is stored");

        String dump = DatabaseDumpTest.dumpEveryTable();

        assertTrue(dump.contains(old.substring(3, 19)), "the dump should hold the key's public id: it read nothing");
        for (String secret : List.of(old, fresh, openRouterKey, management)) {
            for (String encoding : SecretLedger.encodingsOf(secret)) {
                assertTrue(!dump.contains(encoding), "the dump holds a secret");
            }
        }
    }
}
