package io.keyway.bootstrap;

import io.keyway.domain.testkit.FakeUpstream;
import io.keyway.testkit.Gateway;
import io.keyway.testkit.SecretLedger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import io.keyway.testkit.KeywayExtension;

import java.net.http.HttpResponse;
import java.util.Map;

import static io.keyway.testkit.Gateway.assertOpenAiError;
import static io.keyway.testkit.Gateway.field;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KeyManagementTest {
    @RegisterExtension
    static final KeywayExtension keyway = KeywayExtension.standard();

    private final FakeUpstream openRouter = keyway.openRouter();
    private final Gateway gateway = keyway.gateway();


    @Test
    void theOperatorCreatesAnAccountAndSeesItsManagementKeyOnce() {
        HttpResponse<String> created = gateway.post("/admin/accounts", gateway.adminToken(), "{\"name\":\"acme\"}");

        assertEquals(201, created.statusCode(), created.body());
        assertEquals("acme", field(created.body(), "name"));
        assertTrue(field(created.body(), "management_key").startsWith("kwm-"));
        SecretLedger.record(field(created.body(), "management_key"));
        assertFalse(field(created.body(), "id").isBlank());
    }

    @Test
    void theAdminApiRefusesAWrongOrMissingToken() {
        assertOpenAiError(gateway.post("/admin/accounts", "not-the-token", "{\"name\":\"x\"}"), 401, "invalid_admin_token");
        assertOpenAiError(gateway.post("/admin/accounts", null, "{\"name\":\"x\"}"), 401, "invalid_admin_token");
    }

    @Test
    void theAdminApiChecksItsInput() {
        assertOpenAiError(gateway.post("/admin/accounts", gateway.adminToken(), "{}"), 400, "invalid_request");
        assertOpenAiError(gateway.post("/admin/accounts", gateway.adminToken(), "{\"name\":"), 400, "invalid_request");
        assertOpenAiError(gateway.post("/admin/accounts", gateway.adminToken(), "{\"name\":12}"), 400, "invalid_request");
    }

    @Test
    void withoutAnAdminTokenConfiguredTheAdminApiIsDisabled() {
        try (Gateway noAdmin = Gateway.startWith(Map.of("keyway.openrouter.base-url", openRouter.baseUrl()), null)) {
            HttpResponse<String> response = noAdmin.post("/admin/accounts", "anything", "{\"name\":\"acme\"}");
            assertOpenAiError(response, 403, "admin_api_disabled");
            assertTrue(response.body().contains("KEYWAY_ADMIN_TOKEN"));
        }
    }

    @Test
    void anAccountCreatesAGatewayKeyWhoseSecretIsShownOnlyAtCreation() {
        String management = gateway.createAccount("secrets-once");
        String openRouterKey = SecretLedger.record("sk-or-v1-created-with-key-0001");

        HttpResponse<String> created = gateway.post("/v1/keys", management,
                "{\"name\":\"laptop\",\"provider_keys\":{\"openrouter\":\"" + openRouterKey + "\"}}");

        assertEquals(201, created.statusCode(), created.body());
        String key = SecretLedger.record(field(created.body(), "key"));
        String id = field(created.body(), "id");
        assertTrue(key.startsWith("kw-" + id + "_"));
        assertEquals("laptop", field(created.body(), "name"));
        assertEquals("…0001", field(created.body(), "hint"));
        assertFalse(created.body().contains(openRouterKey));

        HttpResponse<String> listed = gateway.get("/v1/keys", management);
        assertEquals(200, listed.statusCode());
        assertTrue(listed.body().startsWith("{\"object\":\"list\",\"data\":["), listed.body());
        assertTrue(listed.body().contains("\"id\":\"" + id + "\""));
        HttpResponse<String> one = gateway.get("/v1/keys/" + id, management);
        assertEquals(200, one.statusCode());
        assertEquals("…0001", field(one.body(), "hint"));
        for (HttpResponse<String> later : new HttpResponse[]{listed, one}) {
            assertFalse(later.body().contains(key), later.body());
            assertFalse(later.body().contains(key.substring(key.indexOf('_') + 1)), later.body());
            assertFalse(later.body().contains(openRouterKey), later.body());
            assertFalse(later.body().contains("\"key\""), later.body());
        }
    }

    @Test
    void aDeletedKeyIsRefusedOnItsVeryNextRequest() {
        String management = gateway.createAccount("revoker");
        String key = gateway.createGatewayKey(management, null);
        String id = key.substring(3, 19);
        assertEquals(200, gateway.get("/v1/key", key).statusCode());

        HttpResponse<String> deleted = gateway.send("DELETE", "/v1/keys/" + id, management, null);

        assertEquals(204, deleted.statusCode(), deleted.body());
        assertOpenAiError(gateway.get("/v1/key", key), 401, "invalid_api_key");
        assertOpenAiError(gateway.post("/v1/chat/completions", key, "{\"model\":\"openrouter-a/b\"}"), 401, "invalid_api_key");
        assertOpenAiError(gateway.get("/v1/keys/" + id, management), 404, "not_found");
        assertOpenAiError(gateway.send("DELETE", "/v1/keys/" + id, management, null), 404, "not_found");
    }

    @Test
    void anAccountSeesAndDeletesOnlyItsOwnKeys() {
        String alice = gateway.createAccount("alice");
        String bob = gateway.createAccount("bob");
        String aliceKey = gateway.createGatewayKey(alice, null);
        String aliceKeyId = aliceKey.substring(3, 19);

        assertOpenAiError(gateway.get("/v1/keys/" + aliceKeyId, bob), 404, "not_found");
        assertOpenAiError(gateway.send("DELETE", "/v1/keys/" + aliceKeyId, bob, null), 404, "not_found");
        assertFalse(gateway.get("/v1/keys", bob).body().contains(aliceKeyId));
        assertEquals(200, gateway.get("/v1/key", aliceKey).statusCode());
    }

    @Test
    void keysOfTheWrongKindAreRefusedWith403() {
        String management = gateway.createAccount("kinds");
        String key = gateway.createGatewayKey(management, null);

        assertOpenAiError(gateway.get("/v1/keys", key), 403, "wrong_key_kind");
        assertOpenAiError(gateway.get("/v1/key", management), 403, "wrong_key_kind");
        assertOpenAiError(gateway.post("/v1/chat/completions", management, "{\"model\":\"openrouter-a/b\"}"), 403, "wrong_key_kind");
    }

    @Test
    void missingMalformedAndUnknownKeysAreRefusedWith401() {
        String management = gateway.createAccount("unknowns");
        String key = gateway.createGatewayKey(management, null);
        String typo = key.substring(0, 30) + (key.charAt(30) == 'A' ? 'B' : 'A') + key.substring(31);

        assertOpenAiError(gateway.get("/v1/keys", null), 401, "invalid_api_key");
        assertOpenAiError(gateway.get("/v1/key", "sk-or-v1-123456789"), 401, "invalid_api_key");
        assertOpenAiError(gateway.get("/v1/key", typo), 401, "invalid_api_key");
        HttpResponse<String> unknown = gateway.get("/v1/key", new io.keyway.domain.keys.KeyMint().mint(io.keyway.domain.keys.KeyKind.GATEWAY).token());
        assertOpenAiError(unknown, 401, "invalid_api_key");
    }

    @Test
    void keyCreationChecksItsInputAndStoresNothingWhenItFails() {
        String management = gateway.createAccount("checked");
        assertOpenAiError(gateway.post("/v1/keys", management, "{\"name\":\"x\",\"provider_keys\":{\"nope\":\"sk-12345678\"}}"), 400, "invalid_request");
        assertOpenAiError(gateway.post("/v1/keys", management, "{\"name\":\"x\",\"provider_keys\":{\"openrouter\":\"short\"}}"), 400, "invalid_request");
        assertOpenAiError(gateway.post("/v1/keys", management, "{\"name\":\"x\",\"provider_keys\":[]}"), 400, "invalid_request");
        assertOpenAiError(gateway.post("/v1/keys", management, "{\"provider_keys\":{}}"), 400, "invalid_request");
        assertOpenAiError(gateway.post("/v1/keys", management, "not json"), 400, "invalid_request");

        assertEquals("{\"object\":\"list\",\"data\":[]}", gateway.get("/v1/keys", management).body());
    }

    @Test
    void theHolderAttachesReplacesAndDetachesAnOpenRouterKey() {
        String management = gateway.createAccount("holder");
        String key = gateway.createGatewayKey(management, null);
        String first = SecretLedger.record("sk-or-v1-first-attached-1111");
        String second = SecretLedger.record("sk-or-v1-second-attached-2222");

        HttpResponse<String> attached = gateway.send("PUT", "/v1/key/provider-keys/openrouter", key, "{\"api_key\":\"" + first + "\"}");
        assertEquals(200, attached.statusCode(), attached.body());
        assertEquals("…1111", field(attached.body(), "hint"));
        assertFalse(attached.body().contains(first));

        HttpResponse<String> replaced = gateway.send("PUT", "/v1/key/provider-keys/openrouter", key, "{\"api_key\":\"" + second + "\"}");
        assertEquals("…2222", field(replaced.body(), "hint"));
        assertEquals("…2222", field(gateway.get("/v1/key", key).body(), "hint"));
        assertEquals("…2222", field(gateway.get("/v1/keys/" + key.substring(3, 19), management).body(), "hint"));

        HttpResponse<String> detached = gateway.send("DELETE", "/v1/key/provider-keys/openrouter", key, null);
        assertEquals(200, detached.statusCode(), detached.body());
        assertFalse(gateway.get("/v1/key", key).body().contains("openrouter"));
        assertOpenAiError(gateway.send("DELETE", "/v1/key/provider-keys/openrouter", key, null), 404, "not_found");
    }

    @Test
    void providerKeysCannotBeAttachedWithTheManagementKeyOrForUnknownProviders() {
        String management = gateway.createAccount("attach-rules");
        String key = gateway.createGatewayKey(management, null);

        assertOpenAiError(gateway.send("PUT", "/v1/key/provider-keys/openrouter", management, "{\"api_key\":\"sk-or-v1-abcdefgh\"}"), 403, "wrong_key_kind");
        assertOpenAiError(gateway.send("PUT", "/v1/key/provider-keys/nobody", key, "{\"api_key\":\"sk-or-v1-abcdefgh\"}"), 400, "invalid_request");
        assertOpenAiError(gateway.send("PUT", "/v1/key/provider-keys/openrouter", key, "{}"), 400, "invalid_request");
    }

    @Test
    void unknownPathsAnswerInTheOpenAiShape() {
        assertOpenAiError(gateway.get("/v1/nothing-here", null), 404, "unknown_url");
    }
}
