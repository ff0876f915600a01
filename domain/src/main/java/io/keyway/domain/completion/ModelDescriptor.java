package io.keyway.domain.completion;

import java.util.Map;
import java.util.Objects;

/**
 * A model as listed by {@code GET /v1/models}.
 *
 * @param details the rest of the upstream's catalogue entry as it sent it (OpenRouter's {@code name}, {@code pricing},
 *                {@code context_length}, {@code architecture}, {@code top_provider}, {@code supported_parameters}…):
 *                JSON values as maps, lists, strings, numbers, booleans and nulls, kept in the upstream's order and
 *                never read by Keyway; empty for the operator's configured models
 */
public record ModelDescriptor(String id, long created, String ownedBy, Map<String, Object> details) {
    public ModelDescriptor {
        Objects.requireNonNull(id, "id");
        details = details == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(details));
    }

    public ModelDescriptor(String id, long created, String ownedBy) {
        this(id, created, ownedBy, Map.of());
    }

    public ModelDescriptor withId(String newId) {
        return new ModelDescriptor(newId, created, ownedBy, details);
    }
}
