package io.keyway.anthropic;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** Anthropic's answers in OpenAI's shapes: a message as a chat completion, usage, stop reasons and errors. */
final class AnswerTranslation {
    private AnswerTranslation() {
    }

    /** Anthropic's {@code stop_reason} as OpenAI's {@code finish_reason}. */
    static String finishReason(Object stopReason) {
        if (stopReason == null) {
            return null;
        }
        return switch (String.valueOf(stopReason)) {
            case "max_tokens", "model_context_window_exceeded" -> "length";
            case "tool_use" -> "tool_calls";
            case "refusal" -> "content_filter";
            default -> "stop"; // end_turn, stop_sequence, pause_turn
        };
    }

    /**
     * Anthropic's usage as OpenAI's: Anthropic counts input read from or written to its prompt cache apart from
     * {@code input_tokens}; OpenAI's {@code prompt_tokens} counts every input token, the cached ones in
     * {@code prompt_tokens_details.cached_tokens}.
     */
    static Map<String, Object> usage(Map<?, ?> usage) {
        long input = count(usage.get("input_tokens"));
        long cacheRead = count(usage.get("cache_read_input_tokens"));
        long cacheWrite = count(usage.get("cache_creation_input_tokens"));
        long output = count(usage.get("output_tokens"));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("prompt_tokens", input + cacheRead + cacheWrite);
        out.put("completion_tokens", output);
        out.put("total_tokens", input + cacheRead + cacheWrite + output);
        out.put("prompt_tokens_details", Map.of("cached_tokens", cacheRead));
        return out;
    }

    static long count(Object value) {
        return value instanceof Number number ? number.longValue() : 0;
    }

    /** A whole Anthropic message as an OpenAI {@code chat.completion}. */
    static Map<String, Object> completion(Map<?, ?> message, long created, Function<Object, String> writeJson) {
        StringBuilder text = new StringBuilder();
        List<Map<String, Object>> toolCalls = new ArrayList<>();
        if (message.get("content") instanceof List<?> blocks) {
            for (Object item : blocks) {
                if (!(item instanceof Map<?, ?> block)) {
                    continue;
                }
                if ("text".equals(block.get("type")) && block.get("text") instanceof String piece) {
                    text.append(piece);
                } else if ("tool_use".equals(block.get("type"))) {
                    Map<String, Object> function = new LinkedHashMap<>();
                    function.put("name", block.get("name"));
                    function.put("arguments", writeJson.apply(block.get("input") == null ? Map.of() : block.get("input")));
                    Map<String, Object> call = new LinkedHashMap<>();
                    call.put("id", block.get("id"));
                    call.put("type", "function");
                    call.put("function", function);
                    toolCalls.add(call);
                }
            }
        }
        Map<String, Object> reply = new LinkedHashMap<>();
        reply.put("role", "assistant");
        reply.put("content", text.isEmpty() && !toolCalls.isEmpty() ? null : text.toString());
        if (!toolCalls.isEmpty()) {
            reply.put("tool_calls", toolCalls);
        }
        Map<String, Object> choice = new LinkedHashMap<>();
        choice.put("index", 0);
        choice.put("message", reply);
        choice.put("logprobs", null);
        choice.put("finish_reason", finishReason(message.get("stop_reason")));
        Map<String, Object> completion = new LinkedHashMap<>();
        completion.put("id", message.get("id"));
        completion.put("object", "chat.completion");
        completion.put("created", created);
        completion.put("model", message.get("model"));
        completion.put("choices", List.of(choice));
        if (message.get("usage") instanceof Map<?, ?> usage) {
            completion.put("usage", usage(usage));
        }
        return completion;
    }

    /**
     * An Anthropic error ({@code {"type":"error","error":{"type","message"}}}) as OpenAI's error object; Anthropic's
     * error type is both the OpenAI type and the code (they share most names: invalid_request_error,
     * authentication_error, rate_limit_error…). A body that is not Anthropic's error shape is described by its status.
     */
    static Map<String, Object> error(Object parsed, int status) {
        String type = "api_error";
        String message = "Anthropic answered " + status + ".";
        if (parsed instanceof Map<?, ?> body && body.get("error") instanceof Map<?, ?> error) {
            if (error.get("type") instanceof String errorType) {
                type = errorType;
            }
            if (error.get("message") instanceof String errorMessage) {
                message = errorMessage;
            }
        }
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("message", message);
        error.put("type", type);
        error.put("param", null);
        error.put("code", type);
        return Map.of("error", error);
    }
}
