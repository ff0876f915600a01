package io.keyway.http.relay;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.keyway.domain.usage.TokenUsage;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads the upstream's {@code usage} out of the bytes a {@link UsageTap} kept, once the answer has ended: the last
 * {@code usage} object of a JSON answer, or of the events of a stream ({@code response.usage} on {@code /v1/responses}
 * events), with exact decimals for {@code cost}. Reading, never watching: nothing here runs per chunk.
 */
final class UsageReading {
    private static final JsonFactory JSON = new JsonFactory();
    private static final byte[] NEEDLE = UsageTap.NEEDLE;

    private UsageReading() {
    }

    /** The usage at the end of a JSON answer (or of the tail kept of it), or {@link TokenUsage#NONE}. */
    static TokenUsage fromJson(byte[] seen) throws IOException {
        Map<String, Object> usage = lastUsageObject(seen);
        return usage == null ? TokenUsage.NONE : tokens(usage);
    }

    /** The last event whose data carries usage (top-level, or in {@code response} for the Responses API). */
    @SuppressWarnings("unchecked")
    static TokenUsage fromEvents(byte[] captured) throws IOException {
        java.util.List<String> events = events(new String(captured, StandardCharsets.UTF_8).replace("\r\n", "\n"));
        for (int i = events.size() - 1; i >= 0; i--) {
            if (!events.get(i).contains("\"usage\"")) {
                continue;
            }
            StringBuilder data = new StringBuilder();
            for (String line : events.get(i).split("\n")) {
                if (line.startsWith("data:")) {
                    data.append(line.substring(line.startsWith("data: ") ? 6 : 5));
                }
            }
            Object parsed = parse(data.toString().getBytes(StandardCharsets.UTF_8), 0);
            if (parsed instanceof Map<?, ?> event) {
                Object usage = event.get("usage");
                if (!(usage instanceof Map) && event.get("response") instanceof Map<?, ?> response) {
                    usage = response.get("usage");
                }
                if (usage instanceof Map<?, ?> found) {
                    return tokens((Map<String, Object>) found);
                }
            }
        }
        return TokenUsage.NONE;
    }

    /**
     * The events of a stream's text, each up to the blank line that ends it (a plain search: {@code split("\n\n")}
     * compiles a regular expression on every call, once per stream here).
     */
    private static java.util.List<String> events(String text) {
        java.util.List<String> events = new java.util.ArrayList<>();
        int from = 0;
        for (int at = text.indexOf("\n\n"); at >= 0; at = text.indexOf("\n\n", from)) {
            events.add(text.substring(from, at));
            from = at + 2;
        }
        events.add(text.substring(from));
        return events;
    }

    /** The object after the last {@code "usage":} in these bytes (a fragment of JSON is fine), or null. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> lastUsageObject(byte[] bytes) throws IOException {
        for (int at = lastIndexOf(bytes, bytes.length - NEEDLE.length); at >= 0; at = lastIndexOf(bytes, at - 1)) {
            int i = at + NEEDLE.length;
            while (i < bytes.length && (bytes[i] == ' ' || bytes[i] == '\n' || bytes[i] == '\r' || bytes[i] == '\t' || bytes[i] == ':')) {
                i++;
            }
            if (i < bytes.length && bytes[i] == '{') {
                Object parsed = parse(bytes, i);
                if (parsed instanceof Map<?, ?> usage) {
                    return (Map<String, Object>) usage;
                }
            }
        }
        return null;
    }

    /** One JSON value from {@code offset}, numbers as Long or exact BigDecimal. */
    private static Object parse(byte[] bytes, int offset) throws IOException {
        try (JsonParser parser = JSON.createParser(bytes, offset, bytes.length - offset)) {
            JsonToken first = parser.nextToken();
            return first == null ? null : value(parser, first);
        }
    }

    private static Object value(JsonParser parser, JsonToken token) throws IOException {
        switch (token) {
            case START_OBJECT -> {
                Map<String, Object> object = new LinkedHashMap<>();
                for (JsonToken next = parser.nextToken(); next == JsonToken.FIELD_NAME; next = parser.nextToken()) {
                    String name = parser.currentName();
                    object.put(name, value(parser, parser.nextToken()));
                }
                return object;
            }
            case START_ARRAY -> {
                java.util.List<Object> array = new java.util.ArrayList<>();
                for (JsonToken next = parser.nextToken(); next != JsonToken.END_ARRAY; next = parser.nextToken()) {
                    array.add(value(parser, next));
                }
                return array;
            }
            case VALUE_NUMBER_INT -> {
                return parser.getLongValue();
            }
            case VALUE_NUMBER_FLOAT -> {
                return parser.getDecimalValue();
            }
            case VALUE_STRING -> {
                return parser.getText();
            }
            case VALUE_TRUE, VALUE_FALSE -> {
                return token == JsonToken.VALUE_TRUE;
            }
            default -> {
                return null;
            }
        }
    }

    static TokenUsage tokens(Map<String, Object> usage) {
        Long prompt = first(whole(usage.get("prompt_tokens")), whole(usage.get("input_tokens")));
        Long completion = first(whole(usage.get("completion_tokens")), whole(usage.get("output_tokens")));
        Long cached = first(nested(usage, "prompt_tokens_details", "cached_tokens"), nested(usage, "input_tokens_details", "cached_tokens"));
        Long reasoning = first(nested(usage, "completion_tokens_details", "reasoning_tokens"),
                nested(usage, "output_tokens_details", "reasoning_tokens"));
        Object cost = usage.get("cost");
        BigDecimal exactCost = cost instanceof BigDecimal decimal ? decimal : cost instanceof Long whole ? BigDecimal.valueOf(whole) : null;
        return new TokenUsage(prompt, completion, whole(usage.get("total_tokens")), cached, reasoning, exactCost);
    }

    private static Long nested(Map<String, Object> usage, String object, String field) {
        return usage.get(object) instanceof Map<?, ?> details ? whole(details.get(field)) : null;
    }

    private static Long whole(Object value) {
        return value instanceof Long number ? number : null;
    }

    private static Long first(Long a, Long b) {
        return a != null ? a : b;
    }

    private static int lastIndexOf(byte[] bytes, int from) {
        outer:
        for (int i = Math.min(from, bytes.length - NEEDLE.length); i >= 0; i--) {
            for (int j = 0; j < NEEDLE.length; j++) {
                if (bytes[i + j] != NEEDLE[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
