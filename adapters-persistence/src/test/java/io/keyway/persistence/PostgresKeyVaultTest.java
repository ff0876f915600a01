package io.keyway.persistence;

import io.keyway.domain.port.KeyVault;
import io.keyway.domain.port.KeyVaultContract;
import io.keyway.persistence.testkit.TestDatabase;

/** The vault Keyway runs on keeps the {@link KeyVaultContract} on a real PostgreSQL, migrated by Flyway. */
class PostgresKeyVaultTest extends KeyVaultContract {
    @Override
    protected KeyVault vault() {
        return TestDatabase.persistenceContext().getBean(KeyVault.class);
    }
}
