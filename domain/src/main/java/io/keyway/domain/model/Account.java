package io.keyway.domain.model;

import java.time.Instant;

public record Account(AccountId id, String name, Instant createdAt) {
    public Account {
        Names.requireValid(name, "account name");
    }
}
