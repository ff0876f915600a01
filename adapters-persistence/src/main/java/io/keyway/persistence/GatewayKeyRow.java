package io.keyway.persistence;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;

import java.time.Instant;
import java.util.UUID;

@MappedEntity("gateway_keys")
record GatewayKeyRow(@Id String keyId, UUID accountId, String name, byte[] verifier, Instant createdAt,
                     @Nullable Instant expiresAt, @Nullable byte[] previousVerifier, @Nullable Instant previousValidUntil,
                     @Nullable Long limitRequestsPerMinute, @Nullable Long limitTokensPerDay, @Nullable java.math.BigDecimal limitCostPerMonth) {
}
