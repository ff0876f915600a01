package io.keyway.http;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.MediaType;
import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** Reads small JSON request bodies of the key-management API, with errors that name the field and never echo values. */
@Singleton
final class JsonBodies {
    private final JsonMapper json;

    JsonBodies(JsonMapper json) {
        this.json = json;
    }

    /** Refuses a body that is not declared as JSON ({@code application/json} or a {@code +json} type). */
    static void requireJsonContentType(HttpRequest<?> request) throws BadRequest {
        String type = request.getContentType().map(MediaType::getName).orElse("").toLowerCase(Locale.ROOT);
        if (!type.equals("application/json") && !type.endsWith("+json")) {
            throw new BadRequest("The request body must be JSON, sent with 'Content-Type: application/json'.", null);
        }
    }

    JsonNode object(HttpRequest<?> request, byte[] body) throws BadRequest {
        requireJsonContentType(request);
        return object(body);
    }

    JsonNode object(byte[] body) throws BadRequest {
        if (body == null || body.length == 0) {
            throw new BadRequest("The request body must be a JSON object.", null);
        }
        JsonNode node;
        try {
            node = json.readValue(body, JsonNode.class);
        } catch (IOException | RuntimeException malformed) {
            throw new BadRequest("The request body is not valid JSON.", null);
        }
        if (node == null || !node.isObject()) {
            throw new BadRequest("The request body must be a JSON object.", null);
        }
        return node;
    }

    /** A JSON object, or an empty one when the request has no body at all (for endpoints whose fields are all optional). */
    JsonNode optionalObject(HttpRequest<?> request, byte[] body) throws BadRequest {
        if (body == null || body.length == 0) {
            return JsonNode.createObjectNode(Map.of());
        }
        return object(request, body);
    }

    /** A whole-number field; null when absent or JSON null. */
    static Long wholeNumber(JsonNode object, String field) throws BadRequest {
        JsonNode value = object.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        Number number = value.isNumber() ? value.getNumberValue() : null;
        if (!(number instanceof Integer || number instanceof Long || number instanceof Short || number instanceof Byte)) {
            throw new BadRequest("'" + field + "' must be a whole number.", field);
        }
        return number.longValue();
    }

    /** A string field; null when absent or JSON null. */
    static String string(JsonNode object, String field) throws BadRequest {
        JsonNode value = object.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isString()) {
            throw new BadRequest("'" + field + "' must be a string.", field);
        }
        return value.getStringValue();
    }

    /** An object of string values; empty when absent or JSON null. */
    static Map<String, String> stringMap(JsonNode object, String field) throws BadRequest {
        JsonNode value = object.get(field);
        Map<String, String> result = new LinkedHashMap<>();
        if (value == null || value.isNull()) {
            return result;
        }
        if (!value.isObject()) {
            throw new BadRequest("'" + field + "' must be an object of provider name to API key.", field);
        }
        for (Map.Entry<String, JsonNode> entry : value.entries()) {
            if (!entry.getValue().isString()) {
                throw new BadRequest("'" + field + "." + entry.getKey() + "' must be a string.", field + "." + entry.getKey());
            }
            result.put(entry.getKey(), entry.getValue().getStringValue());
        }
        return result;
    }
}
