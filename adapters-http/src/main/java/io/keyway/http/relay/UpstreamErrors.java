package io.keyway.http.relay;

import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Puts an upstream's error answer in the OpenAI shape, naming the provider: the upstream's status, message, code and
 * metadata are kept, so a revoked or out-of-credit provider key reads as exactly that.
 */
final class UpstreamErrors {
    private final JsonMapper json;

    UpstreamErrors(JsonMapper json) {
        this.json = json;
    }

    /** The client's error answer: its status and body. */
    record Normalised(int status, byte[] body) {
    }

    /**
     * The error in OpenAI's shape. For a call made with the caller's own provider key, a 401 or 403 from the provider
     * means that key: it answers 401 {@code provider_key_invalid} (never the gateway key's {@code invalid_api_key}),
     * and 402 {@code provider_quota_exhausted}, each naming the provider and keeping its message.
     */
    Normalised normalise(int status, byte[] body, String provider, boolean usersOwnKey) {
        if (usersOwnKey && (status == 401 || (status == 403 && !moderation(body)))) {
            return new Normalised(401, normalise(status, body, provider, "provider_key_invalid", "authentication_error"));
        }
        if (usersOwnKey && status == 402) {
            return new Normalised(402, normalise(status, body, provider, "provider_quota_exhausted", "insufficient_quota"));
        }
        return new Normalised(status, normalise(status, body, provider, null, null));
    }

    /** OpenRouter's 403 for flagged input (its error's metadata names {@code reasons} or {@code flagged_input}): not the key. */
    private boolean moderation(byte[] body) {
        JsonNode upstream = parse(body);
        JsonNode error = upstream == null ? null : upstream.get("error");
        JsonNode metadata = error == null || !error.isObject() ? null : error.get("metadata");
        return metadata != null && metadata.isObject() && (metadata.get("reasons") != null || metadata.get("flagged_input") != null);
    }

    /** With {@code ownCode} and {@code ownType} set, they replace the upstream's; the upstream's message is kept as it is. */
    private byte[] normalise(int status, byte[] body, String provider, String ownCode, String ownType) {
        JsonNode upstream = parse(body);
        JsonNode error = upstream != null && upstream.get("error") != null && upstream.get("error").isObject() ? upstream.get("error") : null;
        String message = text(error, "message");
        if (message == null) {
            message = text(upstream, "message");
        }
        if (message == null) {
            message = "The upstream '" + provider + "' answered HTTP " + status + snippet(body);
        }
        Map<String, JsonNode> detail = new LinkedHashMap<>();
        detail.put("message", JsonNode.createStringNode(message));
        String type = ownType != null ? ownType : text(error, "type");
        detail.put("type", JsonNode.createStringNode(type != null ? type : typeOf(status)));
        String param = text(error, "param");
        detail.put("param", param != null ? JsonNode.createStringNode(param) : JsonNode.nullNode());
        JsonNode code = error == null ? null : error.get("code");
        detail.put("code", ownCode != null ? JsonNode.createStringNode(ownCode)
                : code != null && (code.isString() || code.isNumber()) ? JsonNode.createStringNode(code.coerceStringValue())
                : JsonNode.createStringNode(String.valueOf(status)));
        detail.put("provider", JsonNode.createStringNode(provider));
        if (error != null && error.get("metadata") != null) {
            detail.put("metadata", error.get("metadata"));
        }
        try {
            return json.writeValueAsBytes(JsonNode.createObjectNode(Map.of("error", JsonNode.createObjectNode(detail))));
        } catch (IOException e) {
            throw new IllegalStateException("an error body could not be written", e);
        }
    }

    static String typeOf(int status) {
        return switch (status) {
            case 400, 413, 422 -> "invalid_request_error";
            case 401 -> "authentication_error";
            case 402 -> "insufficient_quota";
            case 403 -> "permission_error";
            case 404 -> "not_found_error";
            case 408 -> "timeout_error";
            case 409 -> "conflict_error";
            case 429 -> "rate_limit_error";
            default -> status >= 500 ? "upstream_error" : "invalid_request_error";
        };
    }

    private JsonNode parse(byte[] body) {
        try {
            JsonNode node = json.readValue(body, JsonNode.class);
            return node != null && node.isObject() ? node : null;
        } catch (IOException | RuntimeException notJson) {
            return null;
        }
    }

    private static String text(JsonNode object, String field) {
        if (object == null) {
            return null;
        }
        JsonNode value = object.get(field);
        return value != null && value.isString() ? value.getStringValue() : null;
    }

    private static String snippet(byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8).strip().replaceAll("\\s+", " ");
        if (text.isEmpty()) {
            return ".";
        }
        return ": " + (text.length() > 200 ? text.substring(0, 200) + "..." : text);
    }
}
