package io.keyway.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import io.keyway.application.CompletionBody;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A completion request body, checked as JSON once with a streaming parser. It remembers where the top-level
 * {@code model} string lies, so the body can be passed on byte for byte with only that value replaced: no
 * re-serialisation, so unknown fields, number spellings and key order all survive.
 */
final class JsonCompletionBody implements CompletionBody {
    private static final JsonFactory JSON = JsonFactory.builder().build();

    private final byte[] body;
    private final String model;
    private final int modelStart;
    private final int modelEnd;
    private final boolean stream;
    private final List<String> fallbacks;
    /** Where the {@code fallbacks} member lies, with one comma beside it, to be cut out; -1 when there is none. */
    private final int fallbacksStart;
    private final int fallbacksEnd;

    private JsonCompletionBody(byte[] body, String model, int modelStart, int modelEnd, boolean stream, List<String> fallbacks,
                               int fallbacksStart, int fallbacksEnd) {
        this.body = body;
        this.model = model;
        this.modelStart = modelStart;
        this.modelEnd = modelEnd;
        this.stream = stream;
        this.fallbacks = fallbacks;
        this.fallbacksStart = fallbacksStart;
        this.fallbacksEnd = fallbacksEnd;
    }

    static JsonCompletionBody parse(byte[] body) throws BadRequest {
        if (body == null || body.length == 0) {
            throw new BadRequest("The request body must be a JSON object with a 'model'.", null);
        }
        String model = null;
        int modelStart = -1;
        Boolean stream = null;
        List<String> fallbacks = null;
        int fallbacksStart = -1;
        int fallbacksEnd = -1;
        try (JsonParser parser = JSON.createParser(body)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new BadRequest("The request body must be a JSON object.", null);
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                int fieldStart = (int) parser.currentTokenLocation().getByteOffset();
                JsonToken value = parser.nextToken();
                if ("model".equals(field)) {
                    if (model != null) {
                        throw new BadRequest("'model' is given twice.", "model");
                    }
                    if (value != JsonToken.VALUE_STRING) {
                        throw new BadRequest("'model' must be a string.", "model");
                    }
                    model = parser.getText();
                    modelStart = (int) parser.currentTokenLocation().getByteOffset();
                } else if ("stream".equals(field)) {
                    if (stream != null) {
                        throw new BadRequest("'stream' is given twice.", "stream");
                    }
                    if (value != JsonToken.VALUE_TRUE && value != JsonToken.VALUE_FALSE && value != JsonToken.VALUE_NULL) {
                        throw new BadRequest("'stream' must be a boolean.", "stream");
                    }
                    stream = value == JsonToken.VALUE_TRUE;
                } else if (FALLBACKS.equals(field)) {
                    if (fallbacks != null) {
                        throw new BadRequest("'fallbacks' is given twice.", FALLBACKS);
                    }
                    fallbacks = fallbacks(parser, value);
                    fallbacksStart = fieldStart;
                    fallbacksEnd = (int) parser.currentLocation().getByteOffset();
                } else {
                    parser.skipChildren();
                }
            }
            if (parser.currentToken() != JsonToken.END_OBJECT || parser.nextToken() != null) {
                throw new BadRequest("The request body is not valid JSON.", null);
            }
        } catch (JsonProcessingException malformed) {
            throw new BadRequest("The request body is not valid JSON.", null);
        } catch (IOException unreadable) {
            throw new BadRequest("The request body could not be read.", null);
        }
        if (model == null || model.isBlank()) {
            throw new BadRequest("You must provide a model parameter.", "model");
        }
        if (model.length() > MAX_MODEL) {
            throw new BadRequest("'model' is " + model.length() + " characters long; model names are at most " + MAX_MODEL + ".", "model");
        }
        if (modelStart < 0 || modelStart >= body.length || body[modelStart] != '"') {
            throw new IllegalStateException("the parser reported no byte offset for 'model'");
        }
        int[] cut = fallbacks == null ? new int[]{-1, -1} : withOneComma(body, fallbacksStart, fallbacksEnd);
        return new JsonCompletionBody(body, model, modelStart, endOfString(body, modelStart), Boolean.TRUE.equals(stream),
                fallbacks == null ? List.of() : fallbacks, cut[0], cut[1]);
    }

    /** The field's name for the models to try after {@code model} (LiteLLM's). */
    static final String FALLBACKS = "fallbacks";
    static final int MAX_FALLBACKS = 3;
    /** The longest model name taken (in {@code model} and {@code fallbacks}): a name is never a place to put megabytes. */
    static final int MAX_MODEL = 256;

    /** The {@code fallbacks} array: up to 3 model names, each a non-empty string. */
    private static List<String> fallbacks(JsonParser parser, JsonToken value) throws IOException, BadRequest {
        if (value != JsonToken.START_ARRAY) {
            throw new BadRequest("'fallbacks' must be an array of model names.", FALLBACKS);
        }
        List<String> names = new ArrayList<>();
        JsonToken item;
        while ((item = parser.nextToken()) != JsonToken.END_ARRAY) {
            if (item != JsonToken.VALUE_STRING || parser.getText().isBlank()) {
                throw new BadRequest("'fallbacks' must be an array of model names.", FALLBACKS);
            }
            if (parser.getText().length() > MAX_MODEL) {
                throw new BadRequest("A model name in 'fallbacks' is longer than " + MAX_MODEL + " characters.", FALLBACKS);
            }
            names.add(parser.getText());
        }
        if (names.size() > MAX_FALLBACKS) {
            throw new BadRequest("'fallbacks' lists " + names.size() + " models; at most " + MAX_FALLBACKS + " are tried.", FALLBACKS);
        }
        return List.copyOf(names);
    }

    /**
     * The span from {@code start} to {@code end} widened to take one comma with it: the one after (and the spaces
     * before it) when the member is not the last, else the one before, so that what is left is still a JSON object.
     */
    private static int[] withOneComma(byte[] body, int start, int end) {
        int after = end;
        while (after < body.length && isSpace(body[after])) {
            after++;
        }
        if (after < body.length && body[after] == ',') {
            return new int[]{start, after + 1};
        }
        int before = start - 1;
        while (before >= 0 && isSpace(body[before])) {
            before--;
        }
        if (before >= 0 && body[before] == ',') {
            return new int[]{before, end};
        }
        return new int[]{start, end};
    }

    private static boolean isSpace(byte b) {
        return b == ' ' || b == '\t' || b == '\n' || b == '\r';
    }

    /** The index just past the closing quote of the JSON string that opens at {@code start}. */
    private static int endOfString(byte[] body, int start) {
        for (int i = start + 1; i < body.length; i++) {
            if (body[i] == '\\') {
                i++;
            } else if (body[i] == '"') {
                return i + 1;
            }
        }
        throw new IllegalStateException("unterminated string in a body the parser accepted");
    }

    @Override
    public String model() {
        return model;
    }

    @Override
    public boolean stream() {
        return stream;
    }

    @Override
    public List<String> fallbacks() {
        return fallbacks;
    }

    /** Written straight into an array of the result's size: a prompt is copied once here (it can be hundreds of KB). */
    @Override
    public byte[] withModel(String upstreamModel) {
        byte[] replacement = JsonText.quotedBytes(upstreamModel);
        int cut = fallbacksStart < 0 ? 0 : fallbacksEnd - fallbacksStart;
        byte[] out = new byte[body.length - (modelEnd - modelStart) + replacement.length - cut];
        // The edits in the order they lie: the model replaced, the fallbacks member (when there is one) cut out.
        boolean modelFirst = fallbacksStart < 0 || modelStart < fallbacksStart;
        int from = 0;
        int at = 0;
        if (modelFirst) {
            at = copy(body, from, modelStart, out, at);
            at = copy(replacement, 0, replacement.length, out, at);
            from = modelEnd;
        }
        if (fallbacksStart >= 0) {
            at = copy(body, from, fallbacksStart, out, at);
            from = fallbacksEnd;
        }
        if (!modelFirst) {
            at = copy(body, from, modelStart, out, at);
            at = copy(replacement, 0, replacement.length, out, at);
            from = modelEnd;
        }
        copy(body, from, body.length, out, at);
        return out;
    }

    /** Copies {@code source[from, to)} to {@code target} at {@code at}; returns where the next bytes go. */
    private static int copy(byte[] source, int from, int to, byte[] target, int at) {
        System.arraycopy(source, from, target, at, to - from);
        return at + to - from;
    }
}
