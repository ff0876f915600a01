package io.keyway.domain.model;

import java.time.Instant;

/** A provider key as stored: sealed, with a hint of its last four characters for its owner. */
public record SealedProviderKey(ProviderId provider, SealedSecret sealed, String hint, Instant updatedAt) {
}
