package io.keyway.anthropic;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * OpenAI's {@code messages} as Anthropic's: system and developer messages to {@code system} blocks, user, assistant
 * and tool messages to alternating turns of content blocks (text, images, tool use, tool results). Part of
 * {@link RequestTranslation}; refuses with a {@link TranslationRefusal} naming the field.
 */
final class MessageTranslation {
    private MessageTranslation() {
    }

    /** System and developer messages gathered into Anthropic's {@code system}; the rest as alternating turns. */
    record Messages(List<Map<String, Object>> system, List<Map<String, Object>> turns) {
    }

    static Messages messages(Object value, Function<String, Object> parseJson) {
        if (!(value instanceof List<?> messages) || messages.isEmpty()) {
            throw new TranslationRefusal("'messages' must be a non-empty list.", "messages");
        }
        List<Map<String, Object>> system = new ArrayList<>();
        List<Map<String, Object>> turns = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) {
            String at = "messages[" + i + "]";
            if (!(messages.get(i) instanceof Map<?, ?> message)) {
                throw new TranslationRefusal("'" + at + "' must be an object.", at);
            }
            for (Object field : message.keySet()) {
                if (!Set.of("role", "content", "tool_calls", "tool_call_id", "refusal").contains(String.valueOf(field))) {
                    throw new TranslationRefusal("'" + at + "." + field + "' is not supported by Anthropic's Messages API.", at + "." + field);
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
                    throw new TranslationRefusal("'" + at + "' has neither content nor tool_calls.", at);
                }
                append(turns, "assistant", content);
            } else if ("tool".equals(role)) {
                if (!(message.get("tool_call_id") instanceof String id) || id.isEmpty()) {
                    throw new TranslationRefusal("'" + at + ".tool_call_id' is required in a tool message.", at + ".tool_call_id");
                }
                Map<String, Object> result = new LinkedHashMap<>();
                result.put("type", "tool_result");
                result.put("tool_use_id", id);
                result.put("content", message.get("content") instanceof String text ? text : blocks(message.get("content"), at, false));
                append(turns, "user", List.of(result));
            } else {
                throw new TranslationRefusal("'" + at + ".role' must be system, developer, user, assistant or tool for anthropic- models.", at + ".role");
            }
        }
        if (turns.isEmpty()) {
            throw new TranslationRefusal("'messages' needs at least one user message; Anthropic does not answer a system prompt alone.", "messages");
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
            throw new TranslationRefusal("'" + at + ".content' must be a string or a list of content parts.", at + ".content");
        }
        List<Map<String, Object>> blocks = new ArrayList<>();
        for (int j = 0; j < parts.size(); j++) {
            String partAt = at + ".content[" + j + "]";
            if (!(parts.get(j) instanceof Map<?, ?> part)) {
                throw new TranslationRefusal("'" + partAt + "' must be an object.", partAt);
            }
            Object type = part.get("type");
            if ("text".equals(type) && part.get("text") instanceof String text) {
                blocks.add(text(text));
            } else if ("image_url".equals(type) && imagesAllowed) {
                blocks.add(image(part.get("image_url"), partAt));
            } else {
                throw new TranslationRefusal("'" + partAt + ".type' " + type + " is not supported here for anthropic- models"
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
            throw new TranslationRefusal("'" + at + ".image_url.url' is required.", at + ".image_url.url");
        }
        Map<String, Object> source = new LinkedHashMap<>();
        if (address.startsWith("data:")) {
            int comma = address.indexOf(',');
            String header = comma < 0 ? "" : address.substring(5, comma);
            if (comma < 0 || !header.endsWith(";base64")) {
                throw new TranslationRefusal("'" + at + ".image_url.url' must be a base64 data URL (data:image/png;base64,...) or an https URL.", at + ".image_url.url");
            }
            source.put("type", "base64");
            source.put("media_type", header.substring(0, header.length() - ";base64".length()));
            source.put("data", address.substring(comma + 1));
        } else if (address.startsWith("https://")) {
            source.put("type", "url");
            source.put("url", address);
        } else {
            throw new TranslationRefusal("'" + at + ".image_url.url' must be a base64 data URL or an https URL.", at + ".image_url.url");
        }
        Map<String, Object> block = new LinkedHashMap<>();
        block.put("type", "image");
        block.put("source", source);
        return block;
    }

    private static Map<String, Object> toolUse(Object value, String at, Function<String, Object> parseJson) {
        if (!(value instanceof Map<?, ?> call) || !(call.get("function") instanceof Map<?, ?> function)
                || !(call.get("id") instanceof String id) || !(function.get("name") instanceof String name)) {
            throw new TranslationRefusal("'" + at + "' must have an id and a function with a name.", at);
        }
        Object input;
        Object arguments = function.get("arguments");
        try {
            input = arguments == null || (arguments instanceof String text && text.isBlank()) ? Map.of()
                    : parseJson.apply(String.valueOf(arguments));
        } catch (RuntimeException notJson) {
            throw new TranslationRefusal("'" + at + ".function.arguments' is not JSON.", at + ".function.arguments");
        }
        if (!(input instanceof Map)) {
            throw new TranslationRefusal("'" + at + ".function.arguments' must be a JSON object.", at + ".function.arguments");
        }
        Map<String, Object> block = new LinkedHashMap<>();
        block.put("type", "tool_use");
        block.put("id", id);
        block.put("name", name);
        block.put("input", input);
        return block;
    }
}
