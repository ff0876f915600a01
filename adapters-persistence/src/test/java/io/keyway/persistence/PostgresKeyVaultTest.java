package io.keyway.persistence;

import io.keyway.domain.port.KeyVault;
import io.keyway.domain.port.KeyVaultContract;
import io.keyway.persistence.testkit.TestDatabase;
import io.micronaut.context.ApplicationContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.util.Map;

/** The vault Keyway runs on keeps the {@link KeyVaultContract} on a real PostgreSQL, migrated by Flyway. */
class PostgresKeyVaultTest extends KeyVaultContract {
    private static ApplicationContext context;

    @BeforeAll
    static void start() {
        context = ApplicationContext.run(TestDatabase.persistenceContextProperties(Map.of()));
    }

    @AfterAll
    static void stop() {
        context.close();
    }

    @Override
    protected KeyVault vault() {
        return context.getBean(KeyVault.class);
    }
}
