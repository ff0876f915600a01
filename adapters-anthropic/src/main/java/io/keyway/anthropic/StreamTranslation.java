package io.keyway.anthropic;

import io.keyway.domain.completion.UpstreamFailure;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * One Anthropic Messages stream turned into OpenAI {@code chat.completion.chunk} events, as its bytes arrive. Fed the
 * upstream's chunks in order from one thread at a time; each call returns the OpenAI bytes those chunks complete
 * (often none: Anthropic's bookkeeping events have no OpenAI counterpart).
 *
 * <ul>
 *   <li>{@code message_start}: a first chunk with the assistant role;</li>
 *   <li>{@code content_block_start} of a {@code tool_use} block: a tool-call delta with its index, id and name;</li>
 *   <li>{@code content_block_delta}: {@code text_delta} as content, {@code input_json_delta} as a piece of the tool
 *       call's arguments;</li>
 *   <li>{@code message_delta}: the chunk with {@code finish_reason} (and the usage, unless a usage chunk was asked
 *       for);</li>
 *   <li>{@code message_stop}: the usage chunk when {@code stream_options.include_usage} asked for it, then
 *       {@code [DONE]};</li>
 *   <li>{@code ping}: an SSE comment, which clients ignore and which keeps idle connections alive;</li>
 *   <li>{@code error}: an {@link UpstreamFailure} of kind {@code REPORTED}, so the relay ends the stream with an error
 *       event and no {@code [DONE]}; a stream that ends before {@code message_stop} is a lost connection.</li>
 * </ul>
 */
final class StreamTranslation {
    private static final byte[] NOTHING = new byte[0];

    private final boolean includeUsage;
    private final long created;
    private final Function<byte[], Object> readJson;
    private final Function<Object, String> writeJson;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
    private final Map<Long, Integer> toolIndexByBlock = new HashMap<>();
    private String id = "";
    private Object model;
    private Map<?, ?> startUsage = Map.of();
    private Map<String, Object> usage;
    private boolean stopped;

    StreamTranslation(boolean includeUsage, long created, Function<byte[], Object> readJson, Function<Object, String> writeJson) {
        this.includeUsage = includeUsage;
        this.created = created;
        this.readJson = readJson;
        this.writeJson = writeJson;
    }

    /** The OpenAI bytes for the events this chunk completes. */
    byte[] accept(byte[] chunk) {
        pending.write(chunk, 0, chunk.length);
        byte[] buffered = pending.toByteArray();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int start = 0;
        while (true) {
            int end = eventEnd(buffered, start);
            if (end < 0) {
                break;
            }
            event(new String(buffered, start, end - start, StandardCharsets.UTF_8), out);
            start = end;
        }
        pending.reset();
        pending.write(buffered, start, buffered.length - start);
        return out.size() == 0 ? NOTHING : out.toByteArray();
    }

    /** Called when the upstream's body ends: a stream without {@code message_stop} was cut. */
    void finish() {
        if (!stopped) {
            throw new UpstreamFailure(UpstreamFailure.Kind.CONNECTION_LOST,
                    "The stream from 'anthropic' ended before its message_stop event.");
        }
    }

    /** Where the event beginning at {@code from} ends (past its blank line), or -1 when it has not all arrived. */
    private static int eventEnd(byte[] bytes, int from) {
        for (int i = from; i + 1 < bytes.length; i++) {
            if (bytes[i] == '\n' && bytes[i + 1] == '\n') {
                return i + 2;
            }
            if (bytes[i] == '\n' && bytes[i + 1] == '\r' && i + 2 < bytes.length && bytes[i + 2] == '\n') {
                return i + 3;
            }
        }
        return -1;
    }

    private void event(String raw, ByteArrayOutputStream out) {
        StringBuilder data = new StringBuilder();
        for (String line : raw.split("\r?\n")) {
            if (line.startsWith("data:")) {
                if (!data.isEmpty()) {
                    data.append('\n');
                }
                data.append(line.substring(line.startsWith("data: ") ? 6 : 5));
            }
        }
        if (data.isEmpty()) {
            return;
        }
        Object parsed;
        try {
            parsed = readJson.apply(data.toString().getBytes(StandardCharsets.UTF_8));
        } catch (RuntimeException notJson) {
            throw new UpstreamFailure(UpstreamFailure.Kind.CONNECTION_LOST, "The stream from 'anthropic' sent an event that is not JSON.");
        }
        if (!(parsed instanceof Map<?, ?> event)) {
            return;
        }
        switch (String.valueOf(event.get("type"))) {
            case "message_start" -> {
                if (event.get("message") instanceof Map<?, ?> message) {
                    id = String.valueOf(message.get("id"));
                    model = message.get("model");
                    if (message.get("usage") instanceof Map<?, ?> started) {
                        startUsage = started;
                    }
                }
                Map<String, Object> delta = new LinkedHashMap<>();
                delta.put("role", "assistant");
                delta.put("content", "");
                write(out, chunk(delta, null));
            }
            case "content_block_start" -> {
                if (event.get("content_block") instanceof Map<?, ?> block && "tool_use".equals(block.get("type"))) {
                    int toolIndex = toolIndexByBlock.size();
                    toolIndexByBlock.put(AnswerTranslation.count(event.get("index")), toolIndex);
                    Map<String, Object> function = new LinkedHashMap<>();
                    function.put("name", block.get("name"));
                    function.put("arguments", "");
                    Map<String, Object> call = new LinkedHashMap<>();
                    call.put("index", toolIndex);
                    call.put("id", block.get("id"));
                    call.put("type", "function");
                    call.put("function", function);
                    write(out, chunk(Map.of("tool_calls", List.of(call)), null));
                } else if (event.get("content_block") instanceof Map<?, ?> block && "text".equals(block.get("type"))
                        && block.get("text") instanceof String text && !text.isEmpty()) {
                    write(out, chunk(Map.of("content", text), null));
                }
            }
            case "content_block_delta" -> {
                if (!(event.get("delta") instanceof Map<?, ?> delta)) {
                    return;
                }
                if ("text_delta".equals(delta.get("type")) && delta.get("text") instanceof String text) {
                    write(out, chunk(Map.of("content", text), null));
                } else if ("input_json_delta".equals(delta.get("type")) && delta.get("partial_json") instanceof String json) {
                    Integer toolIndex = toolIndexByBlock.get(AnswerTranslation.count(event.get("index")));
                    if (toolIndex != null && !json.isEmpty()) {
                        Map<String, Object> piece = new LinkedHashMap<>();
                        piece.put("index", toolIndex);
                        piece.put("function", Map.of("arguments", json));
                        write(out, chunk(Map.of("tool_calls", List.of(piece)), null));
                    }
                }
            }
            case "message_delta" -> {
                Map<String, Object> merged = new HashMap<>();
                startUsage.forEach((name, value) -> merged.put(String.valueOf(name), value));
                if (event.get("usage") instanceof Map<?, ?> delta) {
                    delta.forEach((name, value) -> {
                        if (value != null) {
                            merged.put(String.valueOf(name), value);
                        }
                    });
                }
                usage = AnswerTranslation.usage(merged);
                String finish = event.get("delta") instanceof Map<?, ?> delta ? AnswerTranslation.finishReason(delta.get("stop_reason")) : null;
                Map<String, Object> last = chunk(Map.of(), finish == null ? "stop" : finish);
                if (!includeUsage) {
                    last.put("usage", usage);
                }
                write(out, last);
            }
            case "message_stop" -> {
                stopped = true;
                if (includeUsage && usage != null) {
                    Map<String, Object> usageChunk = base();
                    usageChunk.put("choices", List.of());
                    usageChunk.put("usage", usage);
                    write(out, usageChunk);
                }
                out.writeBytes("data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII));
            }
            case "ping" -> out.writeBytes(": ping\n\n".getBytes(StandardCharsets.US_ASCII));
            case "error" -> {
                String message = "Anthropic reported an error mid-stream.";
                if (event.get("error") instanceof Map<?, ?> error) {
                    message = "Anthropic reported " + error.get("type") + " mid-stream: " + error.get("message");
                }
                throw new UpstreamFailure(UpstreamFailure.Kind.REPORTED, message);
            }
            default -> {
                // content_block_stop, and event types added later: nothing for an OpenAI client.
            }
        }
    }

    private Map<String, Object> base() {
        Map<String, Object> chunk = new LinkedHashMap<>();
        chunk.put("id", id);
        chunk.put("object", "chat.completion.chunk");
        chunk.put("created", created);
        chunk.put("model", model);
        return chunk;
    }

    private Map<String, Object> chunk(Map<String, Object> delta, String finishReason) {
        Map<String, Object> choice = new LinkedHashMap<>();
        choice.put("index", 0);
        choice.put("delta", delta);
        choice.put("logprobs", null);
        choice.put("finish_reason", finishReason);
        Map<String, Object> chunk = base();
        List<Object> choices = new ArrayList<>();
        choices.add(choice);
        chunk.put("choices", choices);
        return chunk;
    }

    private void write(ByteArrayOutputStream out, Map<String, Object> chunk) {
        out.writeBytes(("data: " + writeJson.apply(chunk) + "\n\n").getBytes(StandardCharsets.UTF_8));
    }
}
