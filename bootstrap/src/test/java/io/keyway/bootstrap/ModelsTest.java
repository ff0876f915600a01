package io.keyway.bootstrap;

import io.keyway.domain.testkit.FakeUpstream;
import io.keyway.testkit.Gateway;
import io.keyway.testkit.KeywayExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpResponse;
import io.micronaut.json.JsonMapper;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelsTest {
    @RegisterExtension
    static final KeywayExtension keyway = KeywayExtension.builder().operatorUpstream("local", "local-chat", "local-embed").build();

    /** An entry as OpenRouter's GET /models sends it (abridged from its documentation's shape). */
    static final String LLAMA_ENTRY = "{\"id\":\"meta-llama/llama-3.1-405b-instruct\",\"canonical_slug\":\"meta-llama/llama-3.1-405b-instruct\","
            + "\"name\":\"Meta: Llama 3.1 405B Instruct\",\"created\":1721000000,\"description\":\"The largest Llama.\","
            + "\"context_length\":131072,\"architecture\":{\"modality\":\"text->text\",\"input_modalities\":[\"text\"],"
            + "\"output_modalities\":[\"text\"],\"tokenizer\":\"Llama3\",\"instruct_type\":\"llama3\"},"
            + "\"pricing\":{\"prompt\":\"0.0000008\",\"completion\":\"0.0000008\",\"request\":\"0\",\"image\":\"0\"},"
            + "\"top_provider\":{\"context_length\":131072,\"max_completion_tokens\":null,\"is_moderated\":false},"
            + "\"per_request_limits\":null,\"supported_parameters\":[\"max_tokens\",\"temperature\",\"tools\"],"
            + "\"default_parameters\":{\"temperature\":0.7}}";

    private FakeUpstream openRouter;
    private Gateway gateway;
    private String management;

    @BeforeEach
    void scriptTheCatalogue() {
        openRouter = keyway.openRouter();
        openRouter.answer("models", FakeUpstream.json(200, "{\"data\":[" + LLAMA_ENTRY + ",{\"id\":\"openai/gpt-4o\",\"created\":1715000000}]}"));
        gateway = keyway.gateway();
        management = keyway.managementKey();
    }

    @Test
    void aKeyWithAnOpenRouterKeySeesTheOperatorsModelsAndOpenRoutersCataloguePrefixed() {
        String key = gateway.createGatewayKey(management, "sk-or-v1-models-listing-1234");

        HttpResponse<String> response = gateway.get("/v1/models", key);

        assertEquals(200, response.statusCode(), response.body());
        assertTrue(response.body().startsWith("{\"object\":\"list\",\"data\":["), response.body());
        for (String id : List.of("local-chat", "local-embed", "openrouter-meta-llama/llama-3.1-405b-instruct", "openrouter-openai/gpt-4o")) {
            assertTrue(response.body().contains("\"id\":\"" + id + "\""), id + " missing from " + response.body());
        }
        assertTrue(response.body().contains("\"object\":\"model\""));
        assertTrue(response.body().contains("\"owned_by\":\"meta-llama\""));
        assertTrue(response.body().contains("\"created\":1721000000"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void openRoutersWholeCatalogueEntryIsKeptUnderThePrefixedId() throws Exception {
        String key = gateway.createGatewayKey(management, "sk-or-v1-models-entries-3456");
        JsonMapper json = gateway.context().getBean(JsonMapper.class);
        Map<String, Object> sent = json.readValue(LLAMA_ENTRY, Map.class);

        Map<String, Object> listed = ((List<Map<String, Object>>) json.readValue(gateway.get("/v1/models", key).body(), Map.class).get("data"))
                .stream().filter(model -> "openrouter-meta-llama/llama-3.1-405b-instruct".equals(model.get("id"))).findFirst().orElseThrow();
        Map<String, Object> retrieved = json.readValue(gateway.get("/v1/models/openrouter-meta-llama/llama-3.1-405b-instruct", key).body(), Map.class);

        for (Map<String, Object> model : List.of(listed, retrieved)) {
            Map<String, Object> expected = new java.util.LinkedHashMap<>(sent);
            expected.put("id", "openrouter-meta-llama/llama-3.1-405b-instruct");
            expected.put("object", "model");
            expected.put("owned_by", "meta-llama");
            assertEquals(expected, model);
            assertEquals(List.of("id", "object", "created", "owned_by", "canonical_slug", "name"), List.copyOf(model.keySet()).subList(0, 6));
        }
    }

    @Test
    void aKeyWithoutAnOpenRouterKeySeesOnlyTheOperatorsModels() {
        String key = gateway.createGatewayKey(management, null);

        HttpResponse<String> response = gateway.get("/v1/models", key);

        assertEquals(200, response.statusCode());
        assertTrue(response.body().contains("\"id\":\"local-chat\""));
        assertFalse(response.body().contains("openrouter-"), response.body());
    }

    @Test
    void theOpenRouterCatalogueIsFetchedOnceAndCached() {
        String key = gateway.createGatewayKey(management, "sk-or-v1-models-cache-5678");

        for (int i = 0; i < 6; i++) {
            HttpResponse<String> listed = gateway.get("/v1/models", key);
            assertEquals(200, listed.statusCode());
            assertTrue(listed.body().contains("openrouter-openai/gpt-4o"), listed.body());
        }

        // The fake forgot earlier tests' fetches; six listings cost at most one fetch (none if still cached).
        assertTrue(openRouter.count("models") <= 1, openRouter.count("models") + " fetches for six listings");
    }

    @Test
    void oneModelIsRetrievedByItsIdSlashesIncluded() {
        String key = gateway.createGatewayKey(management, "sk-or-v1-models-retrieve-9012");

        HttpResponse<String> found = gateway.get("/v1/models/openrouter-meta-llama/llama-3.1-405b-instruct", key);
        HttpResponse<String> local = gateway.get("/v1/models/local-chat", key);
        HttpResponse<String> missing = gateway.get("/v1/models/openrouter-nobody/nothing", key);

        assertEquals(200, found.statusCode(), found.body());
        assertEquals("openrouter-meta-llama/llama-3.1-405b-instruct", Gateway.field(found.body(), "id"));
        assertEquals("model", Gateway.field(found.body(), "object"));
        assertEquals(200, local.statusCode());
        assertEquals(404, missing.statusCode());
        assertEquals("model_not_found", Gateway.field(missing.body(), "code"));
    }

    @Test
    void listingModelsNeedsAGatewayKey() {
        assertEquals(401, gateway.get("/v1/models", null).statusCode());
        assertEquals(403, gateway.get("/v1/models", management).statusCode());
    }
}
