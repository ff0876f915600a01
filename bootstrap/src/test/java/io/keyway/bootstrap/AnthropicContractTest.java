package io.keyway.bootstrap;

import io.keyway.domain.model.ProviderKey;
import io.keyway.domain.port.CompletionProvider;
import io.keyway.domain.port.CompletionProviderContract;
import io.keyway.domain.port.ProviderWire;
import io.keyway.openai.OpenAiUpstreams;
import io.keyway.openai.UpstreamSettings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micronaut.core.type.Argument;
import io.micronaut.serde.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The native Anthropic adapter under the same contract as the OpenAI one, built as bootstrap builds it for a
 * {@code wire: anthropic} provider ({@link CoreFactory#providerAdapter}): OpenAI requests in, Messages API requests out
 * with the caller's key in {@code x-api-key}, Anthropic's answers, streams and errors back in OpenAI's shapes, with the
 * transport's streaming, cancellation, timeouts and retries.
 */
class AnthropicContractTest extends CompletionProviderContract {
    private static final ProviderKey CALLER = ProviderKey.of("sk-ant-api03-contract-caller-1234");
    private static final ObjectMapper JSON = ObjectMapper.getDefault();
    private static final OpenAiUpstreams CLIENTS = new OpenAiUpstreams(JSON, new SimpleMeterRegistry());

    @Override
    protected CompletionProvider connect(String baseUrl, Limits limits) {
        UpstreamSettings settings = new UpstreamSettings("anthropic", URI.create(baseUrl), Optional.empty(),
                new UpstreamSettings.Timeouts(limits.connect(), limits.firstByte(), limits.idle(), limits.total()),
                new UpstreamSettings.Retries(limits.retries(), limits.backoff(), limits.backoff().multipliedBy(4)), Duration.ofMinutes(1));
        return CoreFactory.providerAdapter(CLIENTS, JSON, ProviderProperties.ANTHROPIC_WIRE, settings, true, 1024);
    }

    @Override
    protected Optional<ProviderKey> callerKey() {
        return Optional.of(CALLER);
    }

    @Override
    protected String expectedKey() {
        return CALLER.reveal();
    }

    @Override
    protected ProviderWire wire() {
        return new AnthropicWire();
    }

    /** Anthropic's Messages API as its reference documents it. */
    private static final class AnthropicWire implements ProviderWire {
        @Override
        public String path() {
            return "messages";
        }

        @Override
        public String credentialHeader() {
            return "x-api-key";
        }

        @Override
        public String credential(String key) {
            return key;
        }

        @Override
        public byte[] request(boolean stream) {
            return ("{\"model\":\"vendor/model\",\"messages\":[{\"role\":\"system\",\"content\":\"Be terse.\"},"
                    + "{\"role\":\"user\",\"content\":\"h\\u00e9 \\ud83d\\ude00\"}],\"temperature\":0.7,\"max_completion_tokens\":64,"
                    + "\"stop\":[\"END\"]" + (stream ? ",\"stream\":true" : "") + "}").getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public void assertSent(byte[] received, boolean stream) {
            Map<String, Object> expected = new LinkedHashMap<>();
            expected.put("model", "vendor/model");
            expected.put("system", List.of(Map.of("type", "text", "text", "Be terse.")));
            expected.put("messages", List.of(Map.of("role", "user", "content", List.of(Map.of("type", "text", "text", "h\u00e9 \ud83d\ude00")))));
            expected.put("temperature", 0.7);
            expected.put("max_tokens", 64);
            expected.put("stop_sequences", List.of("END"));
            if (stream) {
                expected.put("stream", true);
            }
            assertEquals(normal(expected), normal(parse(new String(received, StandardCharsets.UTF_8))));
        }

        @Override
        public String answer(String text) {
            return "{\"id\":\"msg_01\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"vendor/model\","
                    + "\"content\":[{\"type\":\"text\",\"text\":\"" + text + "\"}],\"stop_reason\":\"end_turn\",\"stop_sequence\":null,"
                    + "\"usage\":{\"input_tokens\":5,\"output_tokens\":7}}";
        }

        @Override
        public List<String> events(List<String> words, boolean finished) {
            List<String> events = new ArrayList<>();
            events.add(event("message_start", "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_02\",\"type\":\"message\","
                    + "\"role\":\"assistant\",\"content\":[],\"model\":\"vendor/model\",\"stop_reason\":null,\"stop_sequence\":null,"
                    + "\"usage\":{\"input_tokens\":5,\"output_tokens\":1}}}"));
            events.add(event("content_block_start", "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}"));
            for (String word : words) {
                events.add(event("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\""
                        + word + "\"}}"));
            }
            if (finished) {
                events.add(event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}"));
                events.add(event("message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\",\"stop_sequence\":null},"
                        + "\"usage\":{\"output_tokens\":" + words.size() + "}}"));
                events.add(event("message_stop", "{\"type\":\"message_stop\"}"));
            }
            return events;
        }

        private static String event(String name, String data) {
            return "event: " + name + "\ndata: " + data + "\n\n";
        }

        @Override
        public String error(int status, String message) {
            String type = switch (status) {
                case 429 -> "rate_limit_error";
                case 529 -> "overloaded_error";
                default -> "api_error";
            };
            return "{\"type\":\"error\",\"error\":{\"type\":\"" + type + "\",\"message\":\"" + message + "\"}}";
        }

        @Override
        public void assertAnswer(String relayed, String upstream, String text) {
            Map<String, Object> completion = parse(relayed);
            assertEquals("chat.completion", completion.get("object"), relayed);
            Map<?, ?> choice = (Map<?, ?>) ((List<?>) completion.get("choices")).get(0);
            assertEquals(Map.of("role", "assistant", "content", text), normal(choice.get("message")), relayed);
            assertEquals("stop", choice.get("finish_reason"));
            Map<?, ?> usage = (Map<?, ?>) completion.get("usage");
            assertEquals(5, ((Number) usage.get("prompt_tokens")).intValue(), relayed);
            assertEquals(7, ((Number) usage.get("completion_tokens")).intValue(), relayed);
        }

        @Override
        public void assertStream(String relayed, List<String> upstream, List<String> words, boolean finished) {
            List<String> data = new ArrayList<>();
            for (String block : relayed.split("\n\n")) {
                if (block.startsWith("data: ")) {
                    data.add(block.substring("data: ".length()));
                }
            }
            StringBuilder content = new StringBuilder();
            List<Object> finishReasons = new ArrayList<>();
            for (String chunk : data) {
                if (chunk.equals("[DONE]")) {
                    continue;
                }
                Map<String, Object> parsed = parse(chunk);
                assertEquals("chat.completion.chunk", parsed.get("object"), chunk);
                for (Object choice : (List<?>) parsed.get("choices")) {
                    Map<?, ?> delta = (Map<?, ?>) ((Map<?, ?>) choice).get("delta");
                    if (delta != null && delta.get("content") instanceof String piece) {
                        content.append(piece);
                    }
                    if (((Map<?, ?>) choice).get("finish_reason") != null) {
                        finishReasons.add(((Map<?, ?>) choice).get("finish_reason"));
                    }
                }
            }
            if (finished) {
                assertEquals(String.join("", words), content.toString(), relayed);
                assertEquals(List.of("stop"), finishReasons, relayed);
                assertEquals("[DONE]", data.get(data.size() - 1), "a finished stream ends with [DONE]");
            } else {
                assertTrue(content.toString().startsWith(words.get(0)), relayed);
                assertFalse(data.contains("[DONE]"), "an unfinished stream was given a [DONE]: " + relayed);
            }
        }

        @Override
        public void assertError(String relayed, String upstream, String message) {
            Map<?, ?> error = (Map<?, ?>) parse(relayed).get("error");
            assertEquals(message, error.get("message"), relayed);
            assertTrue(error.get("type") instanceof String, relayed);
        }

        private static Map<String, Object> parse(String json) {
            try {
                return JSON.readValue(json, Argument.mapOf(String.class, Object.class));
            } catch (IOException e) {
                throw new UncheckedIOException("not JSON: " + json, e);
            }
        }

        /** Numbers as doubles, so that 64 and 64.0 compare equal whatever types the parser picked. */
        private static Object normal(Object value) {
            if (value instanceof Map<?, ?> map) {
                Map<Object, Object> out = new LinkedHashMap<>();
                map.forEach((k, v) -> out.put(k, normal(v)));
                return out;
            }
            if (value instanceof List<?> list) {
                return list.stream().map(AnthropicWire::normal).toList();
            }
            if (value instanceof Number number) {
                return number.doubleValue();
            }
            return value;
        }
    }
}
