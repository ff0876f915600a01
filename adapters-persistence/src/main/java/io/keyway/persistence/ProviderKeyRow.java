package io.keyway.persistence;

import java.time.Instant;

/** A row of {@code provider_keys}: one sealed provider key of one gateway key. */
record ProviderKeyRow(String keyId, String provider, byte[] sealed, String hint, Instant updatedAt) {
}
