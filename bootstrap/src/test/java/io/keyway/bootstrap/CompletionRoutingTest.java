package io.keyway.bootstrap;

import io.keyway.domain.testkit.FakeUpstream;
import io.keyway.testkit.Gateway;
import io.keyway.testkit.SecretLedger;
import io.keyway.testkit.KeywayExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import static io.keyway.testkit.Gateway.field;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CompletionRoutingTest {
    private static final String OPERATOR_KEY = SecretLedger.record("operator-upstream-key-5555");

    @RegisterExtension
    static final KeywayExtension keyway = KeywayExtension.builder()
            .operatorUpstream("local", "local-chat", "local-embed")
            .property("keyway.upstreams.local.api-key", OPERATOR_KEY)
            .property("keyway.upstreams.down.base-url", "http://127.0.0.1:" + closedPort() + "/v1")
            .property("keyway.upstreams.down.models", List.of("down-model"))
            .build();

    private static String keyWithout;
    private String openRouterKey;
    private FakeUpstream openRouter;
    private FakeUpstream operator;
    private Gateway gateway;
    private String keyWithOpenRouter;

    @BeforeAll
    static void aKeyWithoutAnOpenRouterKey() {
        keyWithout = keyway.gateway().createGatewayKey(keyway.managementKey(), null);
    }

    @BeforeEach
    void use() {
        openRouter = keyway.openRouter();
        operator = keyway.upstream("local");
        gateway = keyway.gateway();
        keyWithOpenRouter = keyway.gatewayKey();
        openRouterKey = keyway.openRouterKey();
    }

    private static int closedPort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void anOpenRouterModelGoesToOpenRouterWithThePrefixStrippedTheUsersKeyAndTheBodyUntouched() {
        String upstreamAnswer = FakeUpstream.chatCompletion("meta-llama/llama-3.1-405b-instruct", "hello");
        openRouter.answer("chat/completions", FakeUpstream.json(200, upstreamAnswer, Map.of("X-Generation-Id", "gen-123")));
        String body = "{\"model\":\"openrouter-meta-llama/llama-3.1-405b-instruct\",  \"messages\":[{\"role\":\"user\",\"content\":\"hi \\u00e9\"}],"
                + "\"temperature\":0.70,\"provider\":{\"order\":[\"Fake\"],\"allow_fallbacks\":false},\"transforms\":[],\"x_unknown\":{\"n\":1e3}}";

        HttpResponse<String> response = gateway.send("POST", "/v1/chat/completions", keyWithOpenRouter, body,
                Map.of("HTTP-Referer", "https://app.example", "X-Title", "Example App"));

        assertEquals(200, response.statusCode(), response.body());
        assertEquals(upstreamAnswer, response.body());
        assertEquals("gen-123", response.headers().firstValue("X-Generation-Id").orElse(null));
        assertEquals(String.valueOf(upstreamAnswer.getBytes(java.nio.charset.StandardCharsets.UTF_8).length),
                response.headers().firstValue("Content-Length").orElse(null), "the unchanged body keeps the upstream's declared length");
        FakeUpstream.Received received = openRouter.last();
        assertEquals("/api/v1/chat/completions", received.path());
        assertEquals("Bearer " + openRouterKey, received.header("Authorization"));
        assertEquals(body.replace("openrouter-meta-llama/llama-3.1-405b-instruct", "meta-llama/llama-3.1-405b-instruct"),
                received.bodyText());
        assertEquals("https://app.example", received.header("HTTP-Referer"));
        assertEquals("Example App", received.header("X-Title"));
    }

    @Test
    void onlyUsefulUpstreamHeadersReachTheClientAndNoneThatRepeatsTheKey() {
        Map<String, String> upstreamHeaders = new java.util.LinkedHashMap<>();
        upstreamHeaders.put("X-Generation-Id", "gen-7");
        upstreamHeaders.put("x-ratelimit-remaining-requests", "7");
        upstreamHeaders.put("Access-Control-Allow-Origin", "*");
        upstreamHeaders.put("Location", "https://evil.example/");
        upstreamHeaders.put("Content-Security-Policy", "default-src *");
        upstreamHeaders.put("X-Keyway-Upstream", "forged");
        upstreamHeaders.put("WWW-Authenticate", "Bearer error=\"invalid_token\", key=\"" + openRouterKey + "\"");
        upstreamHeaders.put("X-Debug", openRouterKey.replace("-", "\\u002d"));
        openRouter.answer("chat/completions", FakeUpstream.json(200, FakeUpstream.chatCompletion("a/b", "hi"), upstreamHeaders));

        HttpResponse<String> response = gateway.post("/v1/chat/completions", keyWithOpenRouter, "{\"model\":\"openrouter-a/b\"}");

        assertEquals(200, response.statusCode(), response.body());
        assertEquals("gen-7", response.headers().firstValue("X-Generation-Id").orElse(null));
        assertEquals("7", response.headers().firstValue("x-upstream-ratelimit-remaining-requests").orElse(null),
                "the upstream's rate-limit headers, renamed so they are not taken for Keyway's own");
        assertTrue(response.headers().firstValue("x-ratelimit-remaining-requests").isEmpty());
        for (String dropped : List.of("Access-Control-Allow-Origin", "Location", "Content-Security-Policy", "WWW-Authenticate", "X-Debug")) {
            assertTrue(response.headers().firstValue(dropped).isEmpty(), dropped + " was relayed");
        }
        assertEquals(List.of("openrouter"), response.headers().allValues("x-keyway-upstream"), "an upstream forged Keyway's own header");
        assertEquals(1, response.headers().allValues("Date").size(), "one Date, the gateway's: " + response.headers().allValues("Date"));
        assertFalse(response.headers().map().toString().contains(openRouterKey));
    }

    @Test
    void legacyCompletionsRouteTheSameWay() {
        openRouter.answer("completions", FakeUpstream.json(200, "{\"id\":\"c1\",\"object\":\"text_completion\",\"choices\":[{\"text\":\"ok\",\"index\":0}]}"));

        HttpResponse<String> response = gateway.post("/v1/completions", keyWithOpenRouter,
                "{\"model\":\"openrouter-mistralai/mistral-7b\",\"prompt\":\"Say ok\"}");

        assertEquals(200, response.statusCode(), response.body());
        assertEquals("/api/v1/completions", openRouter.last().path());
        assertEquals("{\"model\":\"mistralai/mistral-7b\",\"prompt\":\"Say ok\"}", openRouter.last().bodyText());
    }

    @Test
    void anOperatorModelGoesToTheOperatorsUpstreamWithTheOperatorsKey() {
        operator.answer("chat/completions", FakeUpstream.json(200, FakeUpstream.chatCompletion("local-chat", "from local")));

        HttpResponse<String> response = gateway.post("/v1/chat/completions", keyWithout, "{\"model\":\"local-chat\",\"messages\":[]}");

        assertEquals(200, response.statusCode(), response.body());
        assertTrue(response.body().contains("from local"));
        assertEquals("Bearer " + OPERATOR_KEY, operator.last().header("Authorization"));
        assertEquals("{\"model\":\"local-chat\",\"messages\":[]}", operator.last().bodyText());
        assertEquals(0, openRouter.received().size());
    }

    @Test
    void aModelNobodyServesIs404ModelNotFound() {
        HttpResponse<String> response = gateway.post("/v1/chat/completions", keyWithOpenRouter, "{\"model\":\"gpt-nothing\",\"messages\":[]}");

        assertEquals(404, response.statusCode());
        assertEquals("model_not_found", field(response.body(), "code"));
        assertEquals(0, openRouter.received().size() + operator.received().size());
    }

    @Test
    void anOpenRouterModelOnAKeyWithoutAnOpenRouterKeyIs403SayingHowToAttachOne() {
        HttpResponse<String> response = gateway.post("/v1/chat/completions", keyWithout, "{\"model\":\"openrouter-a/b\",\"messages\":[]}");

        assertEquals(403, response.statusCode());
        assertEquals("provider_key_missing", field(response.body(), "code"));
        assertTrue(field(response.body(), "message").contains("PUT /v1/key/provider-keys/openrouter"));
        assertEquals(0, openRouter.received().size());
    }

    @Test
    void malformedJsonAndAMissingModelAre400AndNeverReachAnUpstream() {
        for (String bad : List.of("{\"model\":", "[]", "{\"messages\":[]}", "{\"model\":7}", "{\"model\":\"\"}",
                "{\"model\":\"local-chat\",\"stream\":\"yes\"}", "{\"model\":\"local-chat\"} trailing")) {
            HttpResponse<String> response = gateway.post("/v1/chat/completions", keyWithOpenRouter, bad);
            assertEquals(400, response.statusCode(), bad + " -> " + response.body());
            assertEquals("invalid_request_error", field(response.body(), "type"));
        }
        assertEquals("model", field(gateway.post("/v1/chat/completions", keyWithOpenRouter, "{\"messages\":[]}").body(), "param"));
        assertEquals(0, openRouter.received().size() + operator.received().size());
    }

    @Test
    void anUpstreamErrorKeepsItsStatusAndMessage() {
        String error = "{\"error\":{\"code\":429,\"message\":\"Rate limit exceeded: free-models-per-day\",\"metadata\":{}}}";
        openRouter.answer("chat/completions", FakeUpstream.json(429, error, Map.of("Retry-After", "7")));

        HttpResponse<String> response = gateway.post("/v1/chat/completions", keyWithOpenRouter, "{\"model\":\"openrouter-a/b\",\"messages\":[]}");

        assertEquals(429, response.statusCode());
        assertEquals("Rate limit exceeded: free-models-per-day", field(response.body(), "message"));
        assertEquals("rate_limit_error", field(response.body(), "type"));
        assertEquals("429", field(response.body(), "code"));
        assertEquals("openrouter", field(response.body(), "provider"));
        assertEquals("7", response.headers().firstValue("Retry-After").orElse(null));
    }

    @Test
    void aRevokedOpenRouterKeyReadsAsOpenRoutersOwn401() {
        String error = "{\"error\":{\"code\":401,\"message\":\"No auth credentials found\"}}";
        openRouter.answer("chat/completions", FakeUpstream.json(401, error));

        HttpResponse<String> response = gateway.post("/v1/chat/completions", keyWithOpenRouter, "{\"model\":\"openrouter-a/b\",\"messages\":[]}");

        assertEquals(401, response.statusCode());
        assertEquals("No auth credentials found", field(response.body(), "message"));
        assertEquals("authentication_error", field(response.body(), "type"));
        assertEquals("provider_key_invalid", field(response.body(), "code"), "the user's OpenRouter key, not the gateway key, was refused");
        assertEquals("openrouter", field(response.body(), "provider"));
    }

    @Test
    void openRoutersModerationRefusalStaysA403() {
        openRouter.answer("chat/completions", FakeUpstream.json(403,
                "{\"error\":{\"code\":403,\"message\":\"Input flagged\",\"metadata\":{\"reasons\":[\"violence\"],\"flagged_input\":\"x\"}}}"));

        HttpResponse<String> response = gateway.post("/v1/chat/completions", keyWithOpenRouter, "{\"model\":\"openrouter-a/b\"}");

        assertEquals(403, response.statusCode(), response.body());
        assertEquals("Input flagged", field(response.body(), "message"));
    }

    @Test
    void everyUpstreamErrorStatusIsKeptAndReadsAsTheProvidersOwn() {
        // 402 and 403 of a user's own key have codes of their own (ProvidersTest); OpenRouter's moderation 403 stays a 403.
        Map<Integer, String> types = Map.of(400, "invalid_request_error", 404, "not_found_error", 408, "timeout_error", 500, "upstream_error");
        types.forEach((status, type) -> {
            openRouter.answer("chat/completions", FakeUpstream.json(status,
                    "{\"error\":{\"code\":" + status + ",\"message\":\"upstream says " + status + "\",\"metadata\":{\"raw\":\"x\"}}}"));

            HttpResponse<String> response = gateway.post("/v1/chat/completions", keyWithOpenRouter, "{\"model\":\"openrouter-a/b\"}");

            assertEquals(status, response.statusCode(), response.body());
            assertEquals("upstream says " + status, field(response.body(), "message"));
            assertEquals(type, field(response.body(), "type"));
            assertEquals(String.valueOf(status), field(response.body(), "code"));
            assertEquals("openrouter", field(response.body(), "provider"));
            assertEquals("x", field(response.body(), "raw"), "metadata was dropped: " + response.body());
        });
    }

    @Test
    void anUpstreamErrorThatIsNotJsonStillAnswersInTheOpenAiShape() {
        openRouter.answer("chat/completions", exchange -> {
            byte[] html = "<html>Bad gateway</html>".getBytes(java.nio.charset.StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/html");
            exchange.sendResponseHeaders(500, html.length);
            exchange.getResponseBody().write(html);
        });

        HttpResponse<String> response = gateway.post("/v1/chat/completions", keyWithOpenRouter, "{\"model\":\"openrouter-a/b\"}");

        assertEquals(500, response.statusCode());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        assertTrue(field(response.body(), "message").contains("answered HTTP 500"), response.body());
        assertEquals("openrouter", field(response.body(), "provider"));
    }

    @Test
    void anUnreachableUpstreamIs502() {
        HttpResponse<String> response = gateway.post("/v1/chat/completions", keyWithout, "{\"model\":\"down-model\",\"messages\":[]}");

        assertEquals(502, response.statusCode(), response.body());
        assertEquals("upstream_unreachable", field(response.body(), "code"));
    }

    @Test
    void theGatewayKeepsServingAfterBadRequests() {
        for (int i = 0; i < 20; i++) {
            gateway.post("/v1/chat/completions", keyWithOpenRouter, "{\"model\":");
        }
        operator.answer("chat/completions", FakeUpstream.json(200, FakeUpstream.chatCompletion("local-chat", "still here")));
        assertEquals(200, gateway.post("/v1/chat/completions", keyWithout, "{\"model\":\"local-chat\"}").statusCode());
    }
}
