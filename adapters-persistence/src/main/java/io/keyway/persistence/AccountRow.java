package io.keyway.persistence;

import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;

import java.time.Instant;
import java.util.UUID;

@MappedEntity("accounts")
record AccountRow(@Id UUID id, String name, Instant createdAt) {
}
