package io.keyway.bootstrap;

import io.keyway.domain.testkit.FakeUpstream;
import io.keyway.testkit.Gateway;
import io.keyway.testkit.KeywayExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpResponse;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** OpenRouter's catalogue cannot be fetched: the operator's models are still listed, and the answer says what is missing. */
class ModelCatalogueFailureTest {
    @RegisterExtension
    static final KeywayExtension keyway = KeywayExtension.builder().operatorUpstream("local", "local-chat")
            .property("keyway.openrouter.models-ttl", "0s").build();

    @Test
    void theOthersAreListedAndTheMissingCatalogueIsNamedUntilItAnswersAgain() {
        Gateway gateway = keyway.gateway();
        FakeUpstream openRouter = keyway.openRouter();
        String key = gateway.createGatewayKey(keyway.managementKey(), "sk-or-v1-catalogue-down-7788");

        openRouter.answer("models", FakeUpstream.json(503, "{\"error\":{\"message\":\"overloaded\"}}"));
        HttpResponse<String> partial = gateway.get("/v1/models", key);
        HttpResponse<String> local = gateway.get("/v1/models/local-chat", key);
        HttpResponse<String> unknowable = gateway.get("/v1/models/openrouter-openai/gpt-4o", key);

        assertEquals(200, partial.statusCode(), partial.body());
        assertTrue(partial.body().contains("\"id\":\"local-chat\""), partial.body());
        assertFalse(partial.body().contains("openrouter-"), partial.body());
        assertEquals(Optional.of("openrouter"), partial.headers().firstValue("x-keyway-unavailable-catalogues"));
        assertEquals(200, local.statusCode(), local.body());
        // Not "no such model": the catalogue it would be in did not answer.
        Gateway.assertOpenAiError(unknowable, 502, "upstream_unreachable");
        assertEquals("openrouter", Gateway.field(unknowable.body(), "provider"));

        openRouter.answer("models", FakeUpstream.json(200, "{\"data\":[{\"id\":\"openai/gpt-4o\",\"created\":1715000000}]}"));
        HttpResponse<String> whole = gateway.get("/v1/models", key);

        assertEquals(200, whole.statusCode());
        assertTrue(whole.body().contains("\"id\":\"openrouter-openai/gpt-4o\""), whole.body());
        assertEquals(Optional.empty(), whole.headers().firstValue("x-keyway-unavailable-catalogues"));
        assertEquals(200, gateway.get("/v1/models/openrouter-openai/gpt-4o", key).statusCode());
    }

    @Test
    void aCatalogueThatIsNotJsonCountsAsUnavailable() {
        Gateway gateway = keyway.gateway();
        keyway.openRouter().answer("models", FakeUpstream.json(200, "<html>maintenance</html>"));
        String key = gateway.createGatewayKey(keyway.managementKey(), "sk-or-v1-catalogue-html-7789");

        HttpResponse<String> partial = gateway.get("/v1/models", key);

        assertEquals(200, partial.statusCode(), partial.body());
        assertEquals(Optional.of("openrouter"), partial.headers().firstValue("x-keyway-unavailable-catalogues"));
    }
}
