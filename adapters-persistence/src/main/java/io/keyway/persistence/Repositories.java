package io.keyway.persistence;

import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.CrudRepository;

import java.util.List;
import java.util.UUID;

/** Micronaut Data repositories, one per table; their implementations are generated at compile time. */
final class Repositories {
    private Repositories() {
    }

    @JdbcRepository(dialect = Dialect.POSTGRES)
    interface AccountRows extends CrudRepository<AccountRow, UUID> {
    }

    @JdbcRepository(dialect = Dialect.POSTGRES)
    interface ManagementKeyRows extends CrudRepository<ManagementKeyRow, String> {
        List<ManagementKeyRow> findByAccountIdOrderByCreatedAt(UUID accountId);

        int deleteByKeyIdAndAccountId(String keyId, UUID accountId);
    }

    @JdbcRepository(dialect = Dialect.POSTGRES)
    interface GatewayKeyRows extends CrudRepository<GatewayKeyRow, String> {
        List<GatewayKeyRow> findByAccountIdOrderByCreatedAt(UUID accountId);

        int deleteByKeyIdAndAccountId(String keyId, UUID accountId);
    }
}
