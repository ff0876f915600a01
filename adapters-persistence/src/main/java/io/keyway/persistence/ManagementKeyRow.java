package io.keyway.persistence;

import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;

import java.time.Instant;
import java.util.UUID;

@MappedEntity("management_keys")
record ManagementKeyRow(@Id String keyId, UUID accountId, byte[] verifier, Instant createdAt) {
}
