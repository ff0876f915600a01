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
        if (!isWhole(number)) {
            throw new BadRequest("'" + field + "' must be a whole number.", field);
        }
        return number.longValue();
    }

    private static final java.util.Set<String> LIMITS = java.util.Set.of("requests_per_minute", "tokens_per_day", "cost_per_month");

    /** {@code "limits": {"requests_per_minute", "tokens_per_day", "cost_per_month"}}: each absent (kept), null (removed) or a number. */
    static io.keyway.application.LimitsInput limits(JsonNode object) throws BadRequest {
        JsonNode limits = object.get("limits");
        if (limits == null || limits.isNull()) {
            return io.keyway.application.LimitsInput.UNCHANGED;
        }
        if (!limits.isObject()) {
            throw new BadRequest("'limits' must be an object with requests_per_minute, tokens_per_day and/or cost_per_month.", "limits");
        }
        for (Map.Entry<String, JsonNode> entry : limits.entries()) {
            if (!LIMITS.contains(entry.getKey())) {
                String name = entry.getKey().replaceAll("[^A-Za-z0-9_-]", "?");
                throw new BadRequest("'limits." + (name.length() > 40 ? name.substring(0, 40) : name)
                        + "' is not a limit: use requests_per_minute, tokens_per_day or cost_per_month.", "limits");
            }
        }
        return new io.keyway.application.LimitsInput(wholeLimit(limits, "requests_per_minute"), wholeLimit(limits, "tokens_per_day"),
                decimalLimit(limits, "cost_per_month"));
    }

    private static io.keyway.application.LimitsInput.Field<Long> wholeLimit(JsonNode limits, String field) throws BadRequest {
        JsonNode value = limits.get(field);
        if (value == null) {
            return io.keyway.application.LimitsInput.Field.absent();
        }
        if (value.isNull()) {
            return io.keyway.application.LimitsInput.Field.of(null);
        }
        Number number = value.isNumber() ? value.getNumberValue() : null;
        if (!isWhole(number)) {
            throw new BadRequest("'limits." + field + "' must be a whole number, or null for no limit.", "limits." + field);
        }
        return io.keyway.application.LimitsInput.Field.of(number.longValue());
    }

    private static io.keyway.application.LimitsInput.Field<java.math.BigDecimal> decimalLimit(JsonNode limits, String field) throws BadRequest {
        JsonNode value = limits.get(field);
        if (value == null) {
            return io.keyway.application.LimitsInput.Field.absent();
        }
        if (value.isNull()) {
            return io.keyway.application.LimitsInput.Field.of(null);
        }
        if (!value.isNumber()) {
            throw new BadRequest("'limits." + field + "' must be a number, or null for no limit.", "limits." + field);
        }
        return io.keyway.application.LimitsInput.Field.of(new java.math.BigDecimal(value.getNumberValue().toString()));
    }

    /** Whether a parsed JSON number is an integer (a fraction or one too large for a long is not). */
    private static boolean isWhole(Number number) {
        return number instanceof Integer || number instanceof Long || number instanceof Short || number instanceof Byte;
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
