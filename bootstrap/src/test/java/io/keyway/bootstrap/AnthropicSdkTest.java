package io.keyway.bootstrap;

import io.keyway.domain.testkit.Await;
import io.keyway.domain.testkit.FakeUpstream;
import io.keyway.testkit.Gateway;
import io.keyway.testkit.KeywayExtension;
import io.keyway.testkit.NodeSdk;
import io.keyway.testkit.SecretLedger;
import io.micronaut.json.JsonMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The unmodified OpenAI Node SDK (the {@code openai} package, pinned in src/test/node/package.json) through Keyway to a
 * fake Anthropic Messages API on loopback: the SDK sees OpenAI's shapes, Anthropic sees its own, and usage is recorded.
 * The SDK runs under Node.js ({@link NodeSdk}); without it this test fails, it never skips.
 */
class AnthropicSdkTest {
    private static final String MODEL = "anthropic-claude-sonnet-4-5";
    private static final FakeUpstream anthropic = FakeUpstream.start();

    @RegisterExtension
    static final KeywayExtension keyway = KeywayExtension.builder()
            .property("keyway.providers.anthropic.base-url", anthropic.baseUrl())
            .property("keyway.providers.anthropic.retries", 0)
            .property("keyway.usage.flush-interval", "100ms")
            .build();

    private Gateway gateway;
    private String anthropicKey;
    private String key;

    @AfterAll
    static void stopFake() {
        anthropic.close();
    }

    @BeforeEach
    void keyWithAnAnthropicKey() {
        gateway = keyway.gateway();
        anthropic.reset();
        anthropic.answer("models", FakeUpstream.json(200, "{\"data\":[{\"id\":\"claude-sonnet-4-5\",\"type\":\"model\"}],\"has_more\":false}"));
        anthropicKey = SecretLedger.record("sk-ant-api03-sdk-" + UUID.randomUUID());
        String management = gateway.createAccount("sdk-" + System.nanoTime());
        HttpResponse<String> created = gateway.post("/v1/keys", management,
                "{\"name\":\"sdk\",\"provider_keys\":{\"anthropic\":\"" + anthropicKey + "\"}}");
        assertEquals(201, created.statusCode(), created.body());
        key = SecretLedger.record(Gateway.field(created.body(), "key"));
    }

    private static String sse(String event, String data) {
        return "event: " + event + "\ndata: " + data + "\n\n";
    }

    private static List<String> helloStream() {
        return List.of(
                sse("message_start", "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_s\",\"type\":\"message\",\"role\":\"assistant\","
                        + "\"content\":[],\"model\":\"claude-sonnet-4-5\",\"stop_reason\":null,\"stop_sequence\":null,"
                        + "\"usage\":{\"input_tokens\":12,\"cache_read_input_tokens\":4,\"output_tokens\":1}}}"),
                sse("content_block_start", "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}"),
                sse("ping", "{\"type\":\"ping\"}"),
                sse("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hello\"}}"),
                sse("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\" there\"}}"),
                sse("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}"),
                sse("message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":6}}"),
                sse("message_stop", "{\"type\":\"message_stop\"}"));
    }

    @Test
    void aPlainAnswerComesBackAsAChatCompletionAndItsUsageIsRecorded() throws Exception {
        anthropic.answer("messages", FakeUpstream.json(200, """
                {"id":"msg_1","type":"message","role":"assistant","model":"claude-sonnet-4-5",\
                "content":[{"type":"text","text":"Hello from Claude"}],"stop_reason":"end_turn","stop_sequence":null,\
                "usage":{"input_tokens":11,"cache_creation_input_tokens":0,"cache_read_input_tokens":5,"output_tokens":7}}"""));

        Map<String, Object> seen = run("plain");

        assertEquals("chat.completion", seen.get("object"), seen::toString);
        assertEquals("Hello from Claude", seen.get("content"));
        assertEquals("stop", seen.get("finish_reason"));
        Map<?, ?> usage = (Map<?, ?>) seen.get("usage");
        assertEquals(16, number(usage, "prompt_tokens"), usage::toString);
        assertEquals(7, number(usage, "completion_tokens"));
        assertEquals(23, number(usage, "total_tokens"));
        assertEquals(5, number((Map<?, ?>) usage.get("prompt_tokens_details"), "cached_tokens"));

        FakeUpstream.Received sent = anthropic.last();
        assertEquals("/api/v1/messages", sent.path());
        assertEquals(anthropicKey, sent.header("x-api-key"));
        assertEquals(null, sent.header("Authorization"), "the gateway key went to Anthropic");
        Map<?, ?> body = json(sent.bodyText());
        assertEquals("claude-sonnet-4-5", body.get("model"));
        assertEquals(List.of(Map.of("type", "text", "text", "Be brief.")), body.get("system"), "the system message is Anthropic's system field");
        assertEquals(List.of(Map.of("role", "user", "content", List.of(Map.of("type", "text", "text", "Say hello")))), body.get("messages"));
        assertTrue(body.get("max_tokens") instanceof Number, "Anthropic requires max_tokens: " + body);

        Map<?, ?> total = recordedUsage(1);
        assertEquals(16, number(total, "prompt_tokens"), total::toString);
        assertEquals(7, number(total, "completion_tokens"));
    }

    @Test
    void aStreamArrivesAsChunksWithUsageAndFinishReason() throws Exception {
        anthropic.answer("messages", FakeUpstream.eventStream(helloStream(), Duration.ofMillis(5)));

        Map<String, Object> seen = run("stream");

        assertEquals("Hello there", seen.get("content"), seen::toString);
        assertEquals(List.of("stop"), seen.get("finish_reasons"));
        Map<?, ?> usage = (Map<?, ?>) seen.get("usage");
        assertNotNull(usage, "no usage chunk although stream_options.include_usage asked for one: " + seen);
        assertEquals(16, number(usage, "prompt_tokens"), usage::toString);
        assertEquals(6, number(usage, "completion_tokens"));
        assertEquals(4, number((Map<?, ?>) usage.get("prompt_tokens_details"), "cached_tokens"));
        assertEquals(true, json(anthropic.last().bodyText()).get("stream"));

        Map<?, ?> total = recordedUsage(1);
        assertEquals(16, number(total, "prompt_tokens"), total::toString);
        assertEquals(6, number(total, "completion_tokens"));
    }

    @Test
    void aToolCallAndItsResultMakeASecondTurn() throws Exception {
        anthropic.answer("messages", FakeUpstream.sequence(
                FakeUpstream.json(200, """
                        {"id":"msg_t","type":"message","role":"assistant","model":"claude-sonnet-4-5",\
                        "content":[{"type":"text","text":"Let me look."},\
                        {"type":"tool_use","id":"toolu_01","name":"get_weather","input":{"city":"Paris"}}],\
                        "stop_reason":"tool_use","usage":{"input_tokens":30,"output_tokens":12}}"""),
                FakeUpstream.json(200, """
                        {"id":"msg_u","type":"message","role":"assistant","model":"claude-sonnet-4-5",\
                        "content":[{"type":"text","text":"21 degrees in Paris."}],\
                        "stop_reason":"end_turn","usage":{"input_tokens":50,"output_tokens":6}}""")));

        Map<String, Object> seen = run("tools");

        assertEquals("tool_calls", seen.get("first_finish_reason"), seen::toString);
        assertEquals("toolu_01", seen.get("call_id"));
        assertEquals("get_weather", seen.get("call_name"));
        assertEquals(Map.of("city", "Paris"), json((String) seen.get("call_arguments")));
        assertEquals("21 degrees in Paris.", seen.get("second_content"));

        List<FakeUpstream.Received> turns = anthropic.received().stream().filter(r -> r.path().endsWith("/messages")).toList();
        assertEquals(2, turns.size());
        Map<?, ?> first = json(turns.get(0).bodyText());
        Map<?, ?> tool = (Map<?, ?>) ((List<?>) first.get("tools")).get(0);
        assertEquals("get_weather", tool.get("name"));
        assertEquals("object", ((Map<?, ?>) tool.get("input_schema")).get("type"), "the JSON schema is Anthropic's input_schema");
        assertEquals(Map.of("type", "auto"), first.get("tool_choice"));
        List<?> messages = (List<?>) json(turns.get(1).bodyText()).get("messages");
        assertEquals(3, messages.size(), messages::toString);
        Map<?, ?> assistant = (Map<?, ?>) messages.get(1);
        assertEquals("assistant", assistant.get("role"));
        assertTrue(((List<?>) assistant.get("content")).contains(
                Map.of("type", "tool_use", "id", "toolu_01", "name", "get_weather", "input", Map.of("city", "Paris"))), assistant::toString);
        Map<?, ?> result = (Map<?, ?>) messages.get(2);
        assertEquals("user", result.get("role"), "a tool result is a user turn at Anthropic");
        Map<?, ?> block = (Map<?, ?>) ((List<?>) result.get("content")).get(0);
        assertEquals("tool_result", block.get("type"));
        assertEquals("toolu_01", block.get("tool_use_id"));
        assertEquals("{\"celsius\":21}", block.get("content"));
    }

    @Test
    void aStreamedToolCallArrivesInPiecesTheSdkJoins() throws Exception {
        anthropic.answer("messages", FakeUpstream.eventStream(List.of(
                sse("message_start", "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_st\",\"type\":\"message\",\"role\":\"assistant\","
                        + "\"content\":[],\"model\":\"claude-sonnet-4-5\",\"usage\":{\"input_tokens\":20,\"output_tokens\":1}}}"),
                sse("content_block_start", "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":"
                        + "{\"type\":\"tool_use\",\"id\":\"toolu_02\",\"name\":\"get_weather\",\"input\":{}}}"),
                sse("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"{\\\"city\\\": \"}}"),
                sse("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"\\\"Paris\\\"}\"}}"),
                sse("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}"),
                sse("message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"tool_use\"},\"usage\":{\"output_tokens\":9}}"),
                sse("message_stop", "{\"type\":\"message_stop\"}")), Duration.ofMillis(5)));

        Map<String, Object> seen = run("streamed_tool");

        Map<?, ?> call = (Map<?, ?>) ((Map<?, ?>) seen.get("tool_calls")).get("0");
        assertNotNull(call, seen::toString);
        assertEquals("toolu_02", call.get("id"));
        assertEquals("get_weather", call.get("name"));
        assertEquals(Map.of("city", "Paris"), json((String) call.get("arguments")));
        assertEquals(List.of("tool_calls"), seen.get("finish_reasons"));
    }

    @Test
    void imagePartsBecomeImageBlocks() throws Exception {
        anthropic.answer("messages", FakeUpstream.json(200, """
                {"id":"msg_i","type":"message","role":"assistant","model":"claude-sonnet-4-5",\
                "content":[{"type":"text","text":"A dot and a cat."}],"stop_reason":"end_turn","usage":{"input_tokens":900,"output_tokens":6}}"""));

        Map<String, Object> seen = run("image");

        assertEquals("A dot and a cat.", seen.get("content"), seen::toString);
        Map<?, ?> message = (Map<?, ?>) ((List<?>) json(anthropic.last().bodyText()).get("messages")).get(0);
        List<?> blocks = (List<?>) message.get("content");
        assertEquals(Map.of("type", "text", "text", "What is in these?"), blocks.get(0));
        assertEquals(Map.of("type", "image", "source", Map.of("type", "base64", "media_type", "image/png", "data", "iVBORw0KGgo=")),
                blocks.get(1));
        assertEquals(Map.of("type", "image", "source", Map.of("type", "url", "url", "https://example.com/cat.jpg")), blocks.get(2));
    }

    @Test
    void aRateLimitKeepsItsRetryAfterAndTheSdkRaisesItsRateLimitError() throws Exception {
        anthropic.answer("messages", FakeUpstream.json(429,
                "{\"type\":\"error\",\"error\":{\"type\":\"rate_limit_error\",\"message\":\"Number of request tokens has exceeded your per-minute rate limit\"}}",
                Map.of("retry-after", "17")));

        Map<String, Object> seen = run("rate_limited");

        assertEquals(true, seen.get("raised"), seen::toString);
        assertEquals("RateLimitError", seen.get("name"));
        assertEquals(429, number(seen, "status"));
        assertEquals("17", seen.get("retry_after"));
        assertEquals("Number of request tokens has exceeded your per-minute rate limit", seen.get("message"));
    }

    @Test
    void anOverloadedErrorMidStreamMakesTheSdkRaiseAfterWhatArrived() throws Exception {
        List<String> events = List.of(helloStream().get(0), helloStream().get(1), helloStream().get(3),
                sse("error", "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}"));
        anthropic.answer("messages", FakeUpstream.eventStream(events, Duration.ofMillis(5)));

        Map<String, Object> seen = run("overloaded_mid_stream");

        assertEquals(true, seen.get("raised"), "the SDK finished a stream Anthropic broke off: " + seen);
        assertEquals("Hello", seen.get("content"), "what arrived before the error reached the SDK");
        assertTrue(String.valueOf(seen.get("message")).contains("Overloaded"), seen::toString);
        assertFalse(String.valueOf(seen).contains(anthropicKey));
    }

    private Map<?, ?> recordedUsage(long requests) {
        return Await.value(() -> (Map<?, ?>) json(gateway.get("/v1/key/usage", key).body()).get("total"),
                total -> number(total, "requests") >= requests, Duration.ofSeconds(5), requests + " request(s) in the usage report");
    }

    private static long number(Map<?, ?> map, String field) {
        Object value = map.get(field);
        assertTrue(value instanceof Number, field + " is not a number in " + map);
        return ((Number) value).longValue();
    }

    private Map<String, Object> json(String text) {
        try {
            @SuppressWarnings("unchecked")
            Map<String, Object> map = gateway.context().getBean(JsonMapper.class).readValue(text, Map.class);
            return map;
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }

    /** Runs one scenario of roundtrip.mjs with the SDK pointed at Keyway and returns what it printed. */
    private Map<String, Object> run(String scenario) throws Exception {
        Map<String, Object> seen = json(NodeSdk.run(scenario, gateway.baseUrl() + "/v1", key, MODEL));
        assertFalse(seen.containsKey("unexpected"), () -> "the SDK raised: " + seen);
        return seen;
    }
}
