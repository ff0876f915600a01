package io.keyway.bootstrap;

import io.keyway.domain.testkit.FakeUpstream;
import io.keyway.testkit.Gateway;
import io.keyway.testkit.KeywayExtension;
import io.keyway.testkit.SecretLedger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every shipped provider, each faked on loopback: a request for {@code <id>-<model>} reaches that provider with the
 * prefix stripped and the user's key for that provider in its header, and no other provider's key; keys are checked
 * at attach, replaced independently, and a provider's refusal of a user's key is named as such.
 */
class ProvidersTest {
    /** The shipped providers that speak OpenAI's wire (OpenRouter is the harness's own fake). */
    private static final List<String> OPENAI_WIRE = List.of("openai", "gemini", "groq", "mistral", "together", "deepseek", "xai");
    private static final Map<String, FakeUpstream> FAKES = fakes();

    @RegisterExtension
    static final KeywayExtension keyway = withProviders(KeywayExtension.builder()).build();

    private static Map<String, FakeUpstream> fakes() {
        Map<String, FakeUpstream> fakes = new LinkedHashMap<>();
        for (String provider : OPENAI_WIRE) {
            fakes.put(provider, FakeUpstream.start());
        }
        fakes.put("anthropic", FakeUpstream.start());
        return fakes;
    }

    private static KeywayExtension.Builder withProviders(KeywayExtension.Builder builder) {
        FAKES.forEach((provider, fake) -> builder.property("keyway.providers." + provider + ".base-url", fake.baseUrl())
                .property("keyway.providers." + provider + ".retries", 0));
        return builder.property("keyway.openrouter.retries", 0);
    }

    private Gateway gateway;

    @BeforeEach
    void answerModelLists() {
        gateway = keyway.gateway();
        FAKES.values().forEach(fake -> {
            fake.reset();
            fake.answer("models", FakeUpstream.json(200, "{\"object\":\"list\",\"data\":[{\"id\":\"vendor/model-x\",\"object\":\"model\"}]}"));
        });
        keyway.openRouter().answer("models", FakeUpstream.json(200, "{\"data\":[{\"id\":\"meta/llama\"}]}"));
    }

    @AfterAll
    static void stopFakes() {
        FAKES.values().forEach(FakeUpstream::close);
    }

    private static String keyFor(String provider) {
        return SecretLedger.record("sk-" + provider + "-test-" + UUID.randomUUID());
    }

    private String createKeyWith(Map<String, String> providerKeys) {
        StringBuilder keys = new StringBuilder();
        providerKeys.forEach((provider, key) -> keys.append(keys.isEmpty() ? "" : ",").append('"').append(provider).append("\":\"").append(key).append('"'));
        HttpResponse<String> created = gateway.post("/v1/keys", keyway.managementKey(), "{\"name\":\"providers\",\"provider_keys\":{" + keys + "}}");
        assertEquals(201, created.statusCode(), created.body());
        return SecretLedger.record(Gateway.field(created.body(), "key"));
    }

    @Test
    void eachProviderGetsItsOwnKeyWithThePrefixStrippedAndNoOtherProvidersKey() {
        Map<String, String> providerKeys = new LinkedHashMap<>();
        providerKeys.put("openrouter", keyFor("openrouter"));
        for (String provider : FAKES.keySet()) {
            providerKeys.put(provider, keyFor(provider));
        }
        String gatewayKey = createKeyWith(providerKeys);
        for (String provider : OPENAI_WIRE) {
            FakeUpstream fake = FAKES.get(provider);
            fake.answer("chat/completions", FakeUpstream.json(200, FakeUpstream.chatCompletion("vendor/model-x", "from " + provider)));

            HttpResponse<String> answer = gateway.post("/v1/chat/completions", gatewayKey,
                    "{\"model\":\"" + provider + "-vendor/model-x\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

            assertEquals(200, answer.statusCode(), provider + ": " + answer.body());
            assertTrue(answer.body().contains("from " + provider), answer.body());
            FakeUpstream.Received received = fake.last();
            assertEquals("/api/v1/chat/completions", received.path(), provider);
            assertTrue(received.bodyText().contains("\"model\":\"vendor/model-x\""), provider + " got " + received.bodyText());
            assertEquals("Bearer " + providerKeys.get(provider), received.header("Authorization"), provider);
            assertNoOtherKey(received, provider, providerKeys);
        }
        FakeUpstream anthropic = FAKES.get("anthropic");
        anthropic.answer("messages", FakeUpstream.json(200, """
                {"id":"msg_1","type":"message","role":"assistant","model":"claude-x","content":[{"type":"text","text":"from anthropic"}],\
                "stop_reason":"end_turn","usage":{"input_tokens":3,"output_tokens":2}}"""));

        HttpResponse<String> answer = gateway.post("/v1/chat/completions", gatewayKey,
                "{\"model\":\"anthropic-claude-x\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

        assertEquals(200, answer.statusCode(), answer.body());
        assertTrue(answer.body().contains("\"content\":\"from anthropic\""), answer.body());
        assertTrue(answer.body().contains("\"object\":\"chat.completion\""), answer.body());
        FakeUpstream.Received received = anthropic.last();
        assertEquals("/api/v1/messages", received.path());
        assertTrue(received.bodyText().contains("\"model\":\"claude-x\""), received.bodyText());
        assertEquals(providerKeys.get("anthropic"), received.header("x-api-key"));
        assertEquals("2023-06-01", received.header("anthropic-version"));
        assertNull(received.header("Authorization"), "Anthropic takes its key in x-api-key only");
        assertNoOtherKey(received, "anthropic", providerKeys);
    }

    private static void assertNoOtherKey(FakeUpstream.Received received, String provider, Map<String, String> providerKeys) {
        String everything = received.headers() + received.bodyText();
        providerKeys.forEach((other, key) -> {
            if (!other.equals(provider)) {
                assertFalse(everything.contains(key), provider + " received the " + other + " key");
            }
        });
    }

    @Test
    void theEnabledProvidersAreListedOpenRouterFirst() {
        HttpResponse<String> listed = gateway.get("/v1/providers", null);

        assertEquals(200, listed.statusCode(), listed.body());
        assertTrue(listed.body().startsWith("{\"object\":\"list\",\"data\":[{\"id\":\"openrouter\""), listed.body());
        for (String provider : FAKES.keySet()) {
            assertTrue(listed.body().contains("\"id\":\"" + provider + "\""), provider + " is not listed: " + listed.body());
            assertTrue(listed.body().contains("\"model_prefix\":\"" + provider + "-\""), listed.body());
        }
        assertTrue(listed.body().contains("\"title\":\"Anthropic\""), listed.body());
    }

    @Test
    void aKeyItsProviderRefusesIsNotAttachedAndAnUnreachableCheckAttachesItUnchecked() {
        String gatewayKey = createKeyWith(Map.of());
        FAKES.get("groq").answer("models", FakeUpstream.json(401, "{\"error\":{\"message\":\"Invalid API Key\",\"code\":\"invalid_api_key\"}}"));

        HttpResponse<String> refused = gateway.send("PUT", "/v1/key/provider-keys/groq", gatewayKey, "{\"api_key\":\"" + keyFor("groq") + "\"}");

        Gateway.assertOpenAiError(refused, 400, "provider_key_invalid");
        assertTrue(refused.body().contains("groq"), refused.body());
        assertFalse(gateway.get("/v1/key", gatewayKey).body().contains("\"groq\""), "a refused key was stored");

        FAKES.get("groq").answer("models", FakeUpstream.json(200, "{\"data\":[]}"));
        HttpResponse<String> confirmed = gateway.send("PUT", "/v1/key/provider-keys/groq", gatewayKey, "{\"api_key\":\"" + keyFor("groq") + "\"}");
        assertEquals(200, confirmed.statusCode(), confirmed.body());
        assertTrue(confirmed.body().contains("\"checked\":true"), confirmed.body());

        FAKES.get("mistral").answer("models", FakeUpstream.json(503, "{\"error\":{\"message\":\"down\"}}"));
        HttpResponse<String> unchecked = gateway.send("PUT", "/v1/key/provider-keys/mistral", gatewayKey, "{\"api_key\":\"" + keyFor("mistral") + "\"}");
        assertEquals(200, unchecked.statusCode(), unchecked.body());
        assertTrue(unchecked.body().contains("\"checked\":false"), unchecked.body());
        assertTrue(gateway.get("/v1/key", gatewayKey).body().contains("\"mistral\""));
    }

    @Test
    void twoProvidersKeysOnOneGatewayKeyAreReplacedIndependently() {
        String firstDeepseek = keyFor("deepseek");
        String gatewayKey = createKeyWith(Map.of("deepseek", firstDeepseek, "xai", keyFor("xai")));
        String newXai = keyFor("xai");

        HttpResponse<String> replaced = gateway.send("PUT", "/v1/key/provider-keys/xai", gatewayKey, "{\"api_key\":\"" + newXai + "\"}");
        assertEquals(200, replaced.statusCode(), replaced.body());

        for (String provider : List.of("deepseek", "xai")) {
            FAKES.get(provider).answer("chat/completions", FakeUpstream.json(200, FakeUpstream.chatCompletion("m", "ok")));
            assertEquals(200, gateway.post("/v1/chat/completions", gatewayKey, "{\"model\":\"" + provider + "-m\",\"messages\":[]}").statusCode());
        }
        assertEquals("Bearer " + firstDeepseek, FAKES.get("deepseek").last().header("Authorization"), "replacing xai's key touched deepseek's");
        assertEquals("Bearer " + newXai, FAKES.get("xai").last().header("Authorization"));

        HttpResponse<String> detached = gateway.send("DELETE", "/v1/key/provider-keys/xai", gatewayKey, null);
        assertEquals(200, detached.statusCode(), detached.body());
        assertEquals(200, gateway.post("/v1/chat/completions", gatewayKey, "{\"model\":\"deepseek-m\",\"messages\":[]}").statusCode());
        Gateway.assertOpenAiError(gateway.post("/v1/chat/completions", gatewayKey, "{\"model\":\"xai-m\",\"messages\":[]}"), 403, "provider_key_missing");
    }

    @Test
    void aUsersKeyRefusedOrOutOfCreditAtItsProviderIsNamedWithTheProvidersMessage() {
        String gatewayKey = createKeyWith(Map.of("openai", keyFor("openai"), "together", keyFor("together")));
        FAKES.get("openai").answer("chat/completions", FakeUpstream.json(401,
                "{\"error\":{\"message\":\"Incorrect API key provided.\",\"type\":\"invalid_request_error\",\"code\":\"invalid_api_key\"}}"));
        FAKES.get("together").answer("chat/completions", FakeUpstream.json(402, "{\"error\":{\"message\":\"Credit limit exceeded.\"}}"));

        HttpResponse<String> refused = gateway.post("/v1/chat/completions", gatewayKey, "{\"model\":\"openai-gpt-4o\",\"messages\":[]}");
        HttpResponse<String> exhausted = gateway.post("/v1/chat/completions", gatewayKey, "{\"model\":\"together-m\",\"messages\":[]}");

        Gateway.assertOpenAiError(refused, 401, "provider_key_invalid");
        assertTrue(refused.body().contains("Incorrect API key provided."), refused.body());
        assertTrue(refused.body().contains("openai"), refused.body());
        Gateway.assertOpenAiError(exhausted, 402, "provider_quota_exhausted");
        assertTrue(exhausted.body().contains("Credit limit exceeded."), exhausted.body());
    }

    @Test
    void anUnknownProviderIsRefusedNamingItAndTheEnabledOnes() {
        String gatewayKey = createKeyWith(Map.of());

        HttpResponse<String> refused = gateway.send("PUT", "/v1/key/provider-keys/nosuch", gatewayKey, "{\"api_key\":\"sk-nosuch-12345678\"}");
        HttpResponse<String> atCreation = gateway.post("/v1/keys", keyway.managementKey(), "{\"name\":\"x\",\"provider_keys\":{\"nosuch\":\"sk-nosuch-12345678\"}}");

        Gateway.assertOpenAiError(refused, 400, "invalid_request");
        assertTrue(refused.body().contains("'nosuch'") && refused.body().contains("anthropic, deepseek"), refused.body());
        Gateway.assertOpenAiError(atCreation, 400, "invalid_request");
    }

    @Test
    void eachProvidersCatalogueIsListedUnderItsPrefixFetchedWithTheCallersKey() {
        FAKES.get("anthropic").answer("models", FakeUpstream.json(200,
                "{\"data\":[{\"type\":\"model\",\"id\":\"claude-sonnet-4-5\",\"display_name\":\"Claude Sonnet 4.5\",\"created_at\":\"2025-09-29T00:00:00Z\"}],\"has_more\":false}"));
        String gatewayKey = createKeyWith(Map.of("anthropic", keyFor("anthropic"), "gemini", keyFor("gemini")));
        String otherKey = createKeyWith(Map.of("anthropic", keyFor("anthropic")));

        HttpResponse<String> listed = gateway.get("/v1/models", gatewayKey);

        assertEquals(200, listed.statusCode(), listed.body());
        assertTrue(listed.body().contains("\"id\":\"anthropic-claude-sonnet-4-5\""), listed.body());
        assertTrue(listed.body().contains("\"created\":1759104000"), listed.body());
        assertTrue(listed.body().contains("\"id\":\"gemini-vendor/model-x\""), listed.body());
        assertTrue(gateway.get("/v1/models", otherKey).body().contains("anthropic-claude-sonnet-4-5"));
        assertTrue(FAKES.get("anthropic").received().stream().allMatch(r -> r.header("x-api-key") != null),
                "a catalogue was fetched without the caller's key");
        assertFalse(gateway.get("/v1/models", createKeyWith(Map.of())).body().contains("anthropic-"),
                "a key without an Anthropic key was shown Anthropic's catalogue");
    }
}
