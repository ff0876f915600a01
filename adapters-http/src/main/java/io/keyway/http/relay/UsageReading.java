package io.keyway.http.relay;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.keyway.domain.usage.TokenUsage;

import java.io.IOException;
import java.math.BigDecimal;
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

    /**
     * The last event whose data carries usage (top-level, or in {@code response} for the Responses API). Read on the
     * bytes: an event's data is parsed in place (joined first only when it spans several {@code data:} lines), and
     * only its {@code usage} is built; the rest of the event (its choices, a long Responses API output) is skipped.
     */
    static TokenUsage fromEvents(byte[] captured) throws IOException {
        int[] bounds = eventBounds(captured);
        for (int i = bounds.length - 2; i >= 0; i -= 2) {
            int from = bounds[i];
            int to = bounds[i + 1];
            if (UsageTap.indexOf(captured, from, to) < 0) {
                continue;
            }
            Map<String, Object> usage = eventUsage(captured, from, to);
            if (usage != null) {
                return tokens(usage);
            }
        }
        return TokenUsage.NONE;
    }

    /**
     * Where each event begins and ends, in pairs: events end at a blank line ({@code \n\n}, with or without a
     * {@code \r} before either line feed); the last runs to the end of what was kept.
     */
    private static int[] eventBounds(byte[] bytes) {
        int[] bounds = new int[8];
        int count = 0;
        int from = 0;
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] != '\n') {
                continue;
            }
            int next = i + 1 < bytes.length && bytes[i + 1] == '\r' ? i + 2 : i + 1;
            if (next < bytes.length && bytes[next] == '\n') {
                if (count + 2 > bounds.length) {
                    bounds = java.util.Arrays.copyOf(bounds, bounds.length * 2);
                }
                bounds[count++] = from;
                bounds[count++] = i > from && bytes[i - 1] == '\r' ? i - 1 : i;
                from = next + 1;
                i = next;
            }
        }
        if (count + 2 > bounds.length) {
            bounds = java.util.Arrays.copyOf(bounds, count + 2);
        }
        bounds[count++] = from;
        bounds[count++] = bytes.length;
        return java.util.Arrays.copyOf(bounds, count);
    }

    /** The usage in one event's data, or null: its {@code data:} lines, joined as SSE joins them, read as JSON. */
    private static Map<String, Object> eventUsage(byte[] bytes, int from, int to) throws IOException {
        int dataFrom = -1;
        int dataTo = -1;
        java.io.ByteArrayOutputStream joined = null;
        for (int line = from; line < to; ) {
            int end = line;
            while (end < to && bytes[end] != '\n') {
                end++;
            }
            int next = end + 1;
            if (end > line && bytes[end - 1] == '\r') {
                end--;
            }
            if (startsWithData(bytes, line, end)) {
                int start = line + 5 < end && bytes[line + 5] == ' ' ? line + 6 : line + 5;
                if (dataFrom < 0) {
                    dataFrom = start;
                    dataTo = end;
                } else {
                    if (joined == null) {
                        joined = new java.io.ByteArrayOutputStream();
                        joined.write(bytes, dataFrom, dataTo - dataFrom);
                    }
                    joined.write('\n');
                    joined.write(bytes, start, end - start);
                }
            }
            line = next;
        }
        if (dataFrom < 0) {
            return null;
        }
        if (joined != null) {
            byte[] data = joined.toByteArray();
            return usageOf(data, 0, data.length);
        }
        return usageOf(bytes, dataFrom, dataTo - dataFrom);
    }

    private static boolean startsWithData(byte[] bytes, int from, int to) {
        return to - from >= 5 && bytes[from] == 'd' && bytes[from + 1] == 'a' && bytes[from + 2] == 't'
                && bytes[from + 3] == 'a' && bytes[from + 4] == ':';
    }

    /** An event's {@code usage} object, or its {@code response}'s when it has none of its own; nothing else is built. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> usageOf(byte[] bytes, int offset, int length) throws IOException {
        try (JsonParser parser = JSON.createParser(bytes, offset, length)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            Object own = null;
            Object nested = null;
            for (JsonToken next = parser.nextToken(); next == JsonToken.FIELD_NAME; next = parser.nextToken()) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                if ("usage".equals(name)) {
                    own = value(parser, value);
                } else if ("response".equals(name) && value == JsonToken.START_OBJECT) {
                    nested = null;
                    for (JsonToken field = parser.nextToken(); field == JsonToken.FIELD_NAME; field = parser.nextToken()) {
                        String inner = parser.currentName();
                        JsonToken innerValue = parser.nextToken();
                        if ("usage".equals(inner)) {
                            nested = value(parser, innerValue);
                        } else {
                            parser.skipChildren();
                        }
                    }
                } else {
                    parser.skipChildren();
                }
            }
            return own instanceof Map<?, ?> usage ? (Map<String, Object>) usage
                    : nested instanceof Map<?, ?> usage ? (Map<String, Object>) usage : null;
        }
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
