package io.keyway.anthropic;

import io.keyway.domain.completion.UpstreamFailure;
import io.micronaut.core.type.Argument;
import io.micronaut.serde.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Golden translations, both sides written from Anthropic's Messages API reference and OpenAI's chat completions
 * reference (not from another gateway's code).
 */
class TranslationTest {
    private static final ObjectMapper JSON = ObjectMapper.getDefault();

    private static Map<String, Object> object(String json) {
        try {
            return JSON.readValue(json, Argument.mapOf(String.class, Object.class));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String write(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Object parse(String text) {
        try {
            return JSON.readValue(text, Argument.OBJECT_ARGUMENT);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static RequestTranslation.Result translate(String openAi) {
        return new RequestTranslation(4096).translate(object(openAi), TranslationTest::parse);
    }

    @Test
    void systemMessagesImagesToolsAndToolResultsBecomeTheirMessagesApiCounterparts() {
        RequestTranslation.Translated translated = assertInstanceOf(RequestTranslation.Translated.class, translate("""
                {"model":"claude-sonnet-4-5","max_completion_tokens":300,"temperature":0.2,"top_p":0.9,"stop":"END","user":"u-1",
                 "messages":[
                  {"role":"system","content":"Be brief."},
                  {"role":"developer","content":[{"type":"text","text":"Use tools."}]},
                  {"role":"user","content":[{"type":"text","text":"What is this?"},
                    {"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo="}},
                    {"type":"image_url","image_url":{"url":"https://example.com/cat.jpg"}}]},
                  {"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function",
                    "function":{"name":"weather","arguments":"{\\"city\\":\\"Paris\\"}"}}]},
                  {"role":"tool","tool_call_id":"call_1","content":"18 C"}],
                 "tools":[{"type":"function","function":{"name":"weather","description":"Weather now",
                   "parameters":{"type":"object","properties":{"city":{"type":"string"}}}}}],
                 "tool_choice":"required","parallel_tool_calls":false}"""));

        assertEquals(object("""
                {"model":"claude-sonnet-4-5","max_tokens":300,
                 "system":[{"type":"text","text":"Be brief."},{"type":"text","text":"Use tools."}],
                 "messages":[
                  {"role":"user","content":[{"type":"text","text":"What is this?"},
                    {"type":"image","source":{"type":"base64","media_type":"image/png","data":"iVBORw0KGgo="}},
                    {"type":"image","source":{"type":"url","url":"https://example.com/cat.jpg"}}]},
                  {"role":"assistant","content":[{"type":"tool_use","id":"call_1","name":"weather","input":{"city":"Paris"}}]},
                  {"role":"user","content":[{"type":"tool_result","tool_use_id":"call_1","content":"18 C"}]}],
                 "temperature":0.2,"top_p":0.9,"stop_sequences":["END"],"metadata":{"user_id":"u-1"},
                 "tools":[{"name":"weather","description":"Weather now","input_schema":{"type":"object","properties":{"city":{"type":"string"}}}}],
                 "tool_choice":{"type":"any","disable_parallel_tool_use":true}}"""), object(write(translated.body())));
    }

    @Test
    void aRequestWithoutMaxTokensGetsTheConfiguredDefault() {
        RequestTranslation.Translated translated = assertInstanceOf(RequestTranslation.Translated.class,
                translate("{\"model\":\"m\",\"stream\":true,\"stream_options\":{\"include_usage\":true},\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"));

        assertEquals(4096, ((Number) translated.body().get("max_tokens")).intValue());
        assertEquals(true, translated.body().get("stream"));
        assertTrue(translated.includeUsage());
    }

    @Test
    void parametersWithoutAnAnthropicCounterpartAreRefusedByName() {
        for (String[] refused : new String[][]{{"\"n\":2", "n"}, {"\"logprobs\":true", "logprobs"}, {"\"logit_bias\":{\"1\":2}", "logit_bias"},
                {"\"presence_penalty\":0.5", "presence_penalty"}, {"\"response_format\":{\"type\":\"json_object\"}", "response_format"},
                {"\"seed\":7", "seed"}}) {
            RequestTranslation.Refused refusal = assertInstanceOf(RequestTranslation.Refused.class,
                    translate("{\"model\":\"m\"," + refused[0] + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"), refused[1]);
            assertEquals(refused[1], refusal.param());
            assertTrue(refusal.message().contains("'" + refused[1] + "'"), refusal.message());
        }
        assertInstanceOf(RequestTranslation.Translated.class,
                translate("{\"model\":\"m\",\"n\":1,\"logprobs\":false,\"presence_penalty\":0,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"),
                "the defaults of unsupported parameters ask for nothing and pass");
    }

    @Test
    void aMessageWithTextAndAToolCallBecomesAChatCompletionWithAllInputTokensCounted() {
        Map<String, Object> completion = AnswerTranslation.completion(object("""
                {"id":"msg_01","type":"message","role":"assistant","model":"claude-sonnet-4-5",
                 "content":[{"type":"text","text":"Checking."},{"type":"tool_use","id":"toolu_1","name":"weather","input":{"city":"Paris"}}],
                 "stop_reason":"tool_use","stop_sequence":null,
                 "usage":{"input_tokens":10,"cache_creation_input_tokens":5,"cache_read_input_tokens":100,"output_tokens":20}}"""),
                1700000000L, TranslationTest::write);

        assertEquals(object("""
                {"id":"msg_01","object":"chat.completion","created":1700000000,"model":"claude-sonnet-4-5",
                 "choices":[{"index":0,"message":{"role":"assistant","content":"Checking.",
                   "tool_calls":[{"id":"toolu_1","type":"function","function":{"name":"weather","arguments":"{\\"city\\":\\"Paris\\"}"}}]},
                   "logprobs":null,"finish_reason":"tool_calls"}],
                 "usage":{"prompt_tokens":115,"completion_tokens":20,"total_tokens":135,"prompt_tokens_details":{"cached_tokens":100}}}"""),
                object(write(completion)));
    }

    @Test
    void stopReasonsMapToFinishReasons() {
        assertEquals("stop", AnswerTranslation.finishReason("end_turn"));
        assertEquals("length", AnswerTranslation.finishReason("max_tokens"));
        assertEquals("tool_calls", AnswerTranslation.finishReason("tool_use"));
        assertEquals("stop", AnswerTranslation.finishReason("stop_sequence"));
    }

    @Test
    void anAnthropicErrorKeepsItsTypeAndMessageInOpenAisShape() {
        assertEquals(object("{\"error\":{\"message\":\"Overloaded\",\"type\":\"overloaded_error\",\"param\":null,\"code\":\"overloaded_error\"}}"),
                object(write(AnswerTranslation.error(object("{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}"), 529))));
    }

    private static StreamTranslation stream(boolean includeUsage) {
        return new StreamTranslation(includeUsage, 1700000000L, bytes -> parse(new String(bytes, StandardCharsets.UTF_8)), TranslationTest::write);
    }

    private static final String TEXT_STREAM = """
            event: message_start
            data: {"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","content":[],"model":"claude-x","stop_reason":null,"usage":{"input_tokens":25,"cache_read_input_tokens":5,"output_tokens":1}}}

            event: content_block_start
            data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}

            event: ping
            data: {"type": "ping"}

            event: content_block_delta
            data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hel"}}

            event: content_block_delta
            data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"lo"}}

            event: content_block_stop
            data: {"type":"content_block_stop","index":0}

            event: message_delta
            data: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":15}}

            event: message_stop
            data: {"type":"message_stop"}

            """;

    @Test
    void aTextStreamBecomesChunksThenAUsageChunkThenDoneEvenSplitMidEvent() {
        StreamTranslation stream = stream(true);
        byte[] all = TEXT_STREAM.getBytes(StandardCharsets.UTF_8);
        StringBuilder out = new StringBuilder();
        for (int at = 0; at < all.length; at += 7) {
            byte[] piece = java.util.Arrays.copyOfRange(all, at, Math.min(all.length, at + 7));
            out.append(new String(stream.accept(piece), StandardCharsets.UTF_8));
        }
        stream.finish();

        String base = "\"id\":\"msg_1\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\"claude-x\"";
        assertEquals("data: {" + base + ",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"logprobs\":null,\"finish_reason\":null}]}\n\n"
                + ": ping\n\n"
                + "data: {" + base + ",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hel\"},\"logprobs\":null,\"finish_reason\":null}]}\n\n"
                + "data: {" + base + ",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"lo\"},\"logprobs\":null,\"finish_reason\":null}]}\n\n"
                + "data: {" + base + ",\"choices\":[{\"index\":0,\"delta\":{},\"logprobs\":null,\"finish_reason\":\"stop\"}]}\n\n"
                + "data: {" + base + ",\"choices\":[],\"usage\":{\"prompt_tokens\":30,\"completion_tokens\":15,\"total_tokens\":45,"
                + "\"prompt_tokens_details\":{\"cached_tokens\":5}}}\n\n"
                + "data: [DONE]\n\n", out.toString());
    }

    @Test
    void toolUseBlocksStreamAsToolCallDeltasWithIndexIdNameAndArgumentPieces() {
        StreamTranslation stream = stream(false);
        String events = """
                data: {"type":"message_start","message":{"id":"msg_2","model":"claude-x","usage":{"input_tokens":5,"output_tokens":1}}}

                data: {"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"toolu_9","name":"weather","input":{}}}

                data: {"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"{\\"city\\": "}}

                data: {"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"\\"Paris\\"}"}}

                data: {"type":"message_delta","delta":{"stop_reason":"tool_use"},"usage":{"output_tokens":9}}

                data: {"type":"message_stop"}

                """;
        String out = new String(stream.accept(events.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);

        assertTrue(out.contains("\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"toolu_9\",\"type\":\"function\",\"function\":{\"name\":\"weather\",\"arguments\":\"\"}}]}"), out);
        assertTrue(out.contains("{\"index\":0,\"function\":{\"arguments\":\"{\\\"city\\\": \"}}"), out);
        assertTrue(out.contains("{\"index\":0,\"function\":{\"arguments\":\"\\\"Paris\\\"}\"}}"), out);
        assertTrue(out.contains("\"finish_reason\":\"tool_calls\"}],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":9"), out);
        assertTrue(out.endsWith("data: [DONE]\n\n"), out);
    }

    @Test
    void anErrorEventOrACutStreamFailsTheBodyWithoutDone() {
        StreamTranslation overloaded = stream(false);
        overloaded.accept("data: {\"type\":\"message_start\",\"message\":{\"id\":\"m\",\"model\":\"c\"}}\n\n".getBytes(StandardCharsets.UTF_8));

        UpstreamFailure reported = assertThrows(UpstreamFailure.class, () -> overloaded.accept(
                "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}\n\n".getBytes(StandardCharsets.UTF_8)));
        assertEquals(UpstreamFailure.Kind.REPORTED, reported.kind());
        assertTrue(reported.getMessage().contains("overloaded_error") && reported.getMessage().contains("Overloaded"), reported.getMessage());

        StreamTranslation cut = stream(false);
        String before = new String(cut.accept("data: {\"type\":\"message_start\",\"message\":{\"id\":\"m\",\"model\":\"c\"}}\n\n".getBytes(StandardCharsets.UTF_8)),
                StandardCharsets.UTF_8);
        assertTrue(!before.contains("[DONE]"));
        assertEquals(UpstreamFailure.Kind.CONNECTION_LOST, assertThrows(UpstreamFailure.class, cut::finish).kind());
    }
}
