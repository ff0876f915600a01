package io.keyway.persistence;

import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;

import java.time.Instant;
import java.util.UUID;

@MappedEntity("gateway_keys")
record GatewayKeyRow(@Id String keyId, UUID accountId, String name, byte[] verifier, Instant createdAt) {
}
