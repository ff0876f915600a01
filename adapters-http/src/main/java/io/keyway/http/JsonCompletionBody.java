package io.keyway.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import io.keyway.application.CompletionBody;

import java.io.ByteArrayOutputStream;
import java.io.IOException;

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

    private JsonCompletionBody(byte[] body, String model, int modelStart, int modelEnd, boolean stream) {
        this.body = body;
        this.model = model;
        this.modelStart = modelStart;
        this.modelEnd = modelEnd;
        this.stream = stream;
    }

    static JsonCompletionBody parse(byte[] body) throws BadRequest {
        if (body == null || body.length == 0) {
            throw new BadRequest("The request body must be a JSON object with a 'model'.", null);
        }
        String model = null;
        int modelStart = -1;
        Boolean stream = null;
        try (JsonParser parser = JSON.createParser(body)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new BadRequest("The request body must be a JSON object.", null);
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
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
        if (modelStart < 0 || modelStart >= body.length || body[modelStart] != '"') {
            throw new IllegalStateException("the parser reported no byte offset for 'model'");
        }
        return new JsonCompletionBody(body, model, modelStart, endOfString(body, modelStart), Boolean.TRUE.equals(stream));
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
    public byte[] withModel(String upstreamModel) {
        byte[] replacement = JsonText.quotedBytes(upstreamModel);
        ByteArrayOutputStream out = new ByteArrayOutputStream(body.length - (modelEnd - modelStart) + replacement.length);
        out.write(body, 0, modelStart);
        out.writeBytes(replacement);
        out.write(body, modelEnd, body.length - modelEnd);
        return out.toByteArray();
    }
}
