package io.keyway.openrouter;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.micronaut.serde.annotation.Serdeable;

import java.util.List;

/** The part of an OpenAI-style {@code GET /models} answer that Keyway lists. */
@Serdeable
record ModelCatalogue(List<Entry> data) {
    @Serdeable
    record Entry(String id, Long created, @JsonProperty("owned_by") String ownedBy) {
    }
}
