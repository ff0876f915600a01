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

    /** @param parseJson reads a tool call's arguments, a JSON text in OpenAI's format and an object in Anthropic's */
    Result translate(Map<String, Object> request, Function<String, Object> parseJson) {
        try {
            return new Translated(body(request, parseJson), Boolean.TRUE.equals(request.get("stream")), includeUsage(request));
        } catch (TranslationRefusal refusal) {
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
            throw new TranslationRefusal("'" + maxParam + "' must be a whole number of 1 or more.", maxParam);
        }
        MessageTranslation.Messages messages = MessageTranslation.messages(request.get("messages"), parseJson);
        if (!messages.system().isEmpty()) {
            body.put("system", messages.system());
        }
        body.put("messages", messages.turns());
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
            throw new TranslationRefusal("'stop' must be a string or a list of strings.", "stop");
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

    private static TranslationRefusal unsupported(String field) {
        return new TranslationRefusal("'" + field + "' is not supported by Anthropic's Messages API, so Keyway does not send it there; "
                + "remove it for anthropic- models.", field);
    }

    private static void refuseUnlessDefault(Map<String, Object> request, String field, java.util.function.Predicate<Object> acceptable, String why) {
        if (request.containsKey(field) && request.get(field) != null && !acceptable.test(request.get(field))) {
            throw new TranslationRefusal("'" + field + "' is not supported for anthropic- models: " + why + ".", field);
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
            throw new TranslationRefusal("'" + from + "' must be a number.", from);
        }
        body.put(to, value);
    }

    private static String user(Map<String, Object> request) {
        Object metadata = request.get("metadata");
        if (metadata != null) {
            if (!(metadata instanceof Map<?, ?> map)) {
                throw new TranslationRefusal("'metadata' must be an object.", "metadata");
            }
            for (Object key : map.keySet()) {
                if (!"user".equals(key) && !"user_id".equals(key)) {
                    throw new TranslationRefusal("'metadata." + key + "' is not supported by Anthropic, whose metadata holds user_id only.", "metadata");
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


    private static List<Map<String, Object>> tools(Object value) {
        if (!(value instanceof List<?> tools)) {
            throw new TranslationRefusal("'tools' must be a list.", "tools");
        }
        List<Map<String, Object>> translated = new ArrayList<>();
        for (int i = 0; i < tools.size(); i++) {
            String at = "tools[" + i + "]";
            if (!(tools.get(i) instanceof Map<?, ?> tool) || !"function".equals(tool.get("type"))
                    || !(tool.get("function") instanceof Map<?, ?> function) || !(function.get("name") instanceof String name)) {
                throw new TranslationRefusal("'" + at + "' must be a function tool with a name.", at);
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
        throw new TranslationRefusal("'tool_choice' must be auto, none, required or {\"type\":\"function\",\"function\":{\"name\":...}}.", "tool_choice");
    }
}
