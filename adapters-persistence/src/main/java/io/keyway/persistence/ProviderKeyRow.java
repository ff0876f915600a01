package io.keyway.persistence;

import java.time.Instant;

/**
 * A row of {@code provider_keys}: one sealed provider key of one gateway key, and during a rotation's grace period the
 * same key sealed under the replaced secret ({@code previousSealed}, else null).
 */
record ProviderKeyRow(String keyId, String provider, byte[] sealed, String hint, Instant updatedAt, byte[] previousSealed) {
}
