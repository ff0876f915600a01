package io.keyway.domain.model;

import io.keyway.domain.keys.KeyId;
import io.keyway.domain.keys.Verifier;

import java.time.Instant;

/** A key that lets an account manage its gateway keys. It seals nothing and cannot call /v1 completions. */
public record ManagementKey(KeyId id, AccountId account, Verifier verifier, Instant createdAt) {
}
