package io.keyway.anthropic;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * An OpenAI chat completion request turned into an Anthropic Messages API request, written from Anthropic's API
 * reference. Every OpenAI field is either carried over to its Anthropic counterpart or refused naming it: nothing is
 * dropped in silence, since a caller who sends {@code n: 3} or {@code logprobs} and gets an answer without them has been
 * misled.
 */
final class RequestTranslation {
    /** What a request became: the Anthropic body, or why it cannot be sent. */
    sealed interface Result {
    }

    /** @param includeUsage the caller asked for a usage event at the end of the stream ({@code stream_options}) */
    record Translated(Map<String, Object> body, boolean stream, boolean includeUsage) implements Result {
    }

    /** @param param the OpenAI field at fault, as OpenAI errors name it */
    record Refused(String message, String param) implements Result {
    }

    /** Fields whose value is read below. */
    private static final Set<String> KNOWN = Set.of("model", "messages", "max_tokens", "max_completion_tokens", "temperature",
            "top_p", "top_k", "stop", "stream", "stream_options", "tools", "tool_choice", "parallel_tool_calls", "user",
            "metadata", "n", "logprobs", "top_logprobs", "presence_penalty", "frequency_penalty", "response_format");

    private final int defaultMaxTokens;

    /** @param defaultMaxTokens sent as {@code max_tokens} when the request has none: Anthropic requires it */
    RequestTranslation(int defaultMaxTokens) {
        this.defaultMaxTokens = defaultMaxTokens;
    }

    /** Signals a refusal from deep inside the translation; never leaves this class. */
    private static final class Refusal extends RuntimeException {
        final String param;

        Refusal(String message, String param) {
            super(message, null, false, false);
            this.param = param;
        }
    }

    /** @param parseJson reads a tool call's arguments, a JSON text in OpenAI's format and an object in Anthropic's */
    Result translate(Map<String, Object> request, Function<String, Object> parseJson) {
        try {
            return new Translated(body(request, parseJson), Boolean.TRUE.equals(request.get("stream")), includeUsage(request));
        } catch (Refusal refusal) {
            return new Refused(refusal.getMessage(), refusal.param);
        }
    }

    private Map<String, Object> body(Map<String, Object> request, Function<String, Object> parseJson) {
        for (String field : request.keySet()) {
            if (!KNOWN.contains(field)) {
                throw unsupported(field);
            }
        }
        refuseUnlessDefault(request, "n", value -> value instanceof Number number && number.intValue() == 1, "n must be 1: Anthropic answers with one choice");
        refuseUnlessDefault(request, "logprobs", Boolean.FALSE::equals, "Anthropic returns no log probabilities");
        refuseUnlessDefault(request, "top_logprobs", value -> false, "Anthropic returns no log probabilities");
        refuseUnlessDefault(request, "presence_penalty", RequestTranslation::isZero, "Anthropic has no presence penalty");
        refuseUnlessDefault(request, "frequency_penalty", RequestTranslation::isZero, "Anthropic has no frequency penalty");
        refuseUnlessDefault(request, "response_format", value -> value instanceof Map<?, ?> format && "text".equals(format.get("type")),
                "Anthropic's Messages API has no response_format; describe the format in the prompt or use a tool");

        Map<String, Object> body = new LinkedHashMap<>();
        body.put("model", request.get("model"));
        Object maxTokens = request.containsKey("max_completion_tokens") ? request.get("max_completion_tokens") : request.get("max_tokens");
        String maxParam = request.containsKey("max_completion_tokens") ? "max_completion_tokens" : "max_tokens";
        if (maxTokens == null) {
            body.put("max_tokens", defaultMaxTokens);
        } else if (maxTokens instanceof Number number && number.doubleValue() >= 1 && number.doubleValue() == Math.floor(number.doubleValue())) {
            body.put("max_tokens", number.longValue());
        } else {
            throw new Refusal("'" + maxParam + "' must be a whole number of 1 or more.", maxParam);
        }
        Messages messages = messages(request.get("messages"), parseJson);
        if (!messages.system.isEmpty()) {
            body.put("system", messages.system);
        }
        body.put("messages", messages.turns);
        copyNumber(request, body, "temperature", "temperature");
        copyNumber(request, body, "top_p", "top_p");
        copyNumber(request, body, "top_k", "top_k");
        Object stop = request.get("stop");
        if (stop instanceof String one) {
            body.put("stop_sequences", List.of(one));
        } else if (stop instanceof List<?> many && many.stream().allMatch(String.class::isInstance)) {
            if (!many.isEmpty()) {
                body.put("stop_sequences", many);
            }
        } else if (stop != null) {
            throw new Refusal("'stop' must be a string or a list of strings.", "stop");
        }
        if (Boolean.TRUE.equals(request.get("stream"))) {
            body.put("stream", true);
        }
        String user = user(request);
        if (user != null) {
            body.put("metadata", Map.of("user_id", user));
        }
        if (request.get("tools") != null) {
            body.put("tools", tools(request.get("tools")));
        }
        Map<String, Object> toolChoice = toolChoice(request.get("tool_choice"));
        if (Boolean.FALSE.equals(request.get("parallel_tool_calls"))) {
            toolChoice = new LinkedHashMap<>(toolChoice == null ? Map.of("type", "auto") : toolChoice);
            if (!"none".equals(toolChoice.get("type"))) {
                toolChoice.put("disable_parallel_tool_use", true);
            }
        }
        if (toolChoice != null) {
            body.put("tool_choice", toolChoice);
        }
        return body;
    }

    private static boolean includeUsage(Map<String, Object> request) {
        return request.get("stream_options") instanceof Map<?, ?> options && Boolean.TRUE.equals(options.get("include_usage"));
    }

    private static Refusal unsupported(String field) {
        return new Refusal("'" + field + "' is not supported by Anthropic's Messages API, so Keyway does not send it there; "
                + "remove it for anthropic- models.", field);
    }

    private static void refuseUnlessDefault(Map<String, Object> request, String field, java.util.function.Predicate<Object> acceptable, String why) {
        if (request.containsKey(field) && request.get(field) != null && !acceptable.test(request.get(field))) {
            throw new Refusal("'" + field + "' is not supported for anthropic- models: " + why + ".", field);
        }
    }

    private static boolean isZero(Object value) {
        return value instanceof Number number && number.doubleValue() == 0;
    }

    private static void copyNumber(Map<String, Object> request, Map<String, Object> body, String from, String to) {
        Object value = request.get(from);
        if (value == null) {
            return;
        }
        if (!(value instanceof Number)) {
            throw new Refusal("'" + from + "' must be a number.", from);
        }
        body.put(to, value);
    }

    private static String user(Map<String, Object> request) {
        Object metadata = request.get("metadata");
        if (metadata != null) {
            if (!(metadata instanceof Map<?, ?> map)) {
                throw new Refusal("'metadata' must be an object.", "metadata");
            }
            for (Object key : map.keySet()) {
                if (!"user".equals(key) && !"user_id".equals(key)) {
                    throw new Refusal("'metadata." + key + "' is not supported by Anthropic, whose metadata holds user_id only.", "metadata");
                }
            }
            Object user = map.containsKey("user_id") ? map.get("user_id") : map.get("user");
            if (user != null) {
                return String.valueOf(user);
            }
        }
        Object user = request.get("user");
        return user == null ? null : String.valueOf(user);
    }

    /** System and developer messages gathered into Anthropic's {@code system}; the rest as alternating turns. */
    private record Messages(List<Map<String, Object>> system, List<Map<String, Object>> turns) {
    }

    private Messages messages(Object value, Function<String, Object> parseJson) {
        if (!(value instanceof List<?> messages) || messages.isEmpty()) {
            throw new Refusal("'messages' must be a non-empty list.", "messages");
        }
        List<Map<String, Object>> system = new ArrayList<>();
        List<Map<String, Object>> turns = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) {
            String at = "messages[" + i + "]";
            if (!(messages.get(i) instanceof Map<?, ?> message)) {
                throw new Refusal("'" + at + "' must be an object.", at);
            }
            for (Object field : message.keySet()) {
                if (!Set.of("role", "content", "tool_calls", "tool_call_id", "refusal").contains(String.valueOf(field))) {
                    throw new Refusal("'" + at + "." + field + "' is not supported by Anthropic's Messages API.", at + "." + field);
                }
            }
            Object role = message.get("role");
            if ("system".equals(role) || "developer".equals(role)) {
                for (Map<String, Object> block : blocks(message.get("content"), at, false)) {
                    system.add(block);
                }
            } else if ("user".equals(role)) {
                append(turns, "user", blocks(message.get("content"), at, true));
            } else if ("assistant".equals(role)) {
                List<Map<String, Object>> content = new ArrayList<>();
                if (message.get("content") != null) {
                    content.addAll(blocks(message.get("content"), at, false));
                }
                if (message.get("tool_calls") instanceof List<?> calls) {
                    for (int j = 0; j < calls.size(); j++) {
                        content.add(toolUse(calls.get(j), at + ".tool_calls[" + j + "]", parseJson));
                    }
                }
                if (content.isEmpty()) {
                    throw new Refusal("'" + at + "' has neither content nor tool_calls.", at);
                }
                append(turns, "assistant", content);
            } else if ("tool".equals(role)) {
                if (!(message.get("tool_call_id") instanceof String id) || id.isEmpty()) {
                    throw new Refusal("'" + at + ".tool_call_id' is required in a tool message.", at + ".tool_call_id");
                }
                Map<String, Object> result = new LinkedHashMap<>();
                result.put("type", "tool_result");
                result.put("tool_use_id", id);
                result.put("content", message.get("content") instanceof String text ? text : blocks(message.get("content"), at, false));
                append(turns, "user", List.of(result));
            } else {
                throw new Refusal("'" + at + ".role' must be system, developer, user, assistant or tool for anthropic- models.", at + ".role");
            }
        }
        if (turns.isEmpty()) {
            throw new Refusal("'messages' needs at least one user message; Anthropic does not answer a system prompt alone.", "messages");
        }
        return new Messages(system, turns);
    }

    /** Adds a turn, or joins it to the previous one of the same role (Anthropic wants user and assistant to alternate). */
    private static void append(List<Map<String, Object>> turns, String role, List<Map<String, Object>> content) {
        if (!turns.isEmpty() && role.equals(turns.get(turns.size() - 1).get("role"))) {
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> previous = (List<Map<String, Object>>) turns.get(turns.size() - 1).get("content");
            previous.addAll(content);
            return;
        }
        Map<String, Object> turn = new LinkedHashMap<>();
        turn.put("role", role);
        turn.put("content", new ArrayList<>(content));
        turns.add(turn);
    }

    /** A message's content as Anthropic blocks: a string is one text block; parts are text (and images when allowed). */
    private static List<Map<String, Object>> blocks(Object content, String at, boolean imagesAllowed) {
        if (content instanceof String text) {
            return List.of(text(text));
        }
        if (!(content instanceof List<?> parts)) {
            throw new Refusal("'" + at + ".content' must be a string or a list of content parts.", at + ".content");
        }
        List<Map<String, Object>> blocks = new ArrayList<>();
        for (int j = 0; j < parts.size(); j++) {
            String partAt = at + ".content[" + j + "]";
            if (!(parts.get(j) instanceof Map<?, ?> part)) {
                throw new Refusal("'" + partAt + "' must be an object.", partAt);
            }
            Object type = part.get("type");
            if ("text".equals(type) && part.get("text") instanceof String text) {
                blocks.add(text(text));
            } else if ("image_url".equals(type) && imagesAllowed) {
                blocks.add(image(part.get("image_url"), partAt));
            } else {
                throw new Refusal("'" + partAt + ".type' " + type + " is not supported here for anthropic- models"
                        + (imagesAllowed ? " (text and image_url are)." : " (text is)."), partAt + ".type");
            }
        }
        return blocks;
    }

    private static Map<String, Object> text(String text) {
        Map<String, Object> block = new LinkedHashMap<>();
        block.put("type", "text");
        block.put("text", text);
        return block;
    }

    /** An image part: a data URL becomes a base64 source, an https URL a url source. */
    private static Map<String, Object> image(Object imageUrl, String at) {
        Object url = imageUrl instanceof Map<?, ?> map ? map.get("url") : imageUrl;
        if (!(url instanceof String address)) {
            throw new Refusal("'" + at + ".image_url.url' is required.", at + ".image_url.url");
        }
        Map<String, Object> source = new LinkedHashMap<>();
        if (address.startsWith("data:")) {
            int comma = address.indexOf(',');
            String header = comma < 0 ? "" : address.substring(5, comma);
            if (comma < 0 || !header.endsWith(";base64")) {
                throw new Refusal("'" + at + ".image_url.url' must be a base64 data URL (data:image/png;base64,...) or an https URL.", at + ".image_url.url");
            }
            source.put("type", "base64");
            source.put("media_type", header.substring(0, header.length() - ";base64".length()));
            source.put("data", address.substring(comma + 1));
        } else if (address.startsWith("https://")) {
            source.put("type", "url");
            source.put("url", address);
        } else {
            throw new Refusal("'" + at + ".image_url.url' must be a base64 data URL or an https URL.", at + ".image_url.url");
        }
        Map<String, Object> block = new LinkedHashMap<>();
        block.put("type", "image");
        block.put("source", source);
        return block;
    }

    private static Map<String, Object> toolUse(Object value, String at, Function<String, Object> parseJson) {
        if (!(value instanceof Map<?, ?> call) || !(call.get("function") instanceof Map<?, ?> function)
                || !(call.get("id") instanceof String id) || !(function.get("name") instanceof String name)) {
            throw new Refusal("'" + at + "' must have an id and a function with a name.", at);
        }
        Object input;
        Object arguments = function.get("arguments");
        try {
            input = arguments == null || (arguments instanceof String text && text.isBlank()) ? Map.of()
                    : parseJson.apply(String.valueOf(arguments));
        } catch (RuntimeException notJson) {
            throw new Refusal("'" + at + ".function.arguments' is not JSON.", at + ".function.arguments");
        }
        if (!(input instanceof Map)) {
            throw new Refusal("'" + at + ".function.arguments' must be a JSON object.", at + ".function.arguments");
        }
        Map<String, Object> block = new LinkedHashMap<>();
        block.put("type", "tool_use");
        block.put("id", id);
        block.put("name", name);
        block.put("input", input);
        return block;
    }

    private static List<Map<String, Object>> tools(Object value) {
        if (!(value instanceof List<?> tools)) {
            throw new Refusal("'tools' must be a list.", "tools");
        }
        List<Map<String, Object>> translated = new ArrayList<>();
        for (int i = 0; i < tools.size(); i++) {
            String at = "tools[" + i + "]";
            if (!(tools.get(i) instanceof Map<?, ?> tool) || !"function".equals(tool.get("type"))
                    || !(tool.get("function") instanceof Map<?, ?> function) || !(function.get("name") instanceof String name)) {
                throw new Refusal("'" + at + "' must be a function tool with a name.", at);
            }
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("name", name);
            if (function.get("description") instanceof String description) {
                out.put("description", description);
            }
            out.put("input_schema", function.get("parameters") instanceof Map<?, ?> schema ? schema : Map.of("type", "object", "properties", Map.of()));
            if (Boolean.TRUE.equals(function.get("strict"))) {
                out.put("strict", true);
            }
            translated.add(out);
        }
        return translated;
    }

    private static Map<String, Object> toolChoice(Object value) {
        if (value == null) {
            return null;
        }
        if ("auto".equals(value)) {
            return new LinkedHashMap<>(Map.of("type", "auto"));
        }
        if ("none".equals(value)) {
            return new LinkedHashMap<>(Map.of("type", "none"));
        }
        if ("required".equals(value)) {
            return new LinkedHashMap<>(Map.of("type", "any"));
        }
        if (value instanceof Map<?, ?> choice && "function".equals(choice.get("type"))
                && choice.get("function") instanceof Map<?, ?> function && function.get("name") instanceof String name) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("type", "tool");
            out.put("name", name);
            return out;
        }
        throw new Refusal("'tool_choice' must be auto, none, required or {\"type\":\"function\",\"function\":{\"name\":...}}.", "tool_choice");
    }
}
