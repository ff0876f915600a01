package io.keyway.domain.completion;

/** A model as listed by {@code GET /v1/models}. */
public record ModelDescriptor(String id, long created, String ownedBy) {
    public ModelDescriptor withId(String newId) {
        return new ModelDescriptor(newId, created, ownedBy);
    }
}
