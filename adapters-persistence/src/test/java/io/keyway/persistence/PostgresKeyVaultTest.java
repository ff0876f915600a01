package io.keyway.persistence;

import io.keyway.domain.port.KeyVault;
import io.keyway.domain.port.KeyVaultContract;
import io.keyway.persistence.testkit.TestDatabase;
import io.micronaut.context.ApplicationContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.util.HashMap;
import java.util.Map;

/** The vault Keyway runs on keeps the {@link KeyVaultContract} on a real PostgreSQL, migrated by Flyway. */
class PostgresKeyVaultTest extends KeyVaultContract {
    private static ApplicationContext context;

    @BeforeAll
    static void start() {
        TestDatabase database = TestDatabase.get();
        Map<String, Object> properties = new HashMap<>();
        properties.put("datasources.default.url", database.url());
        properties.put("datasources.default.driver-class-name", "org.postgresql.Driver");
        properties.put("datasources.default.dialect", "POSTGRES");
        if (database.username() != null) {
            properties.put("datasources.default.username", database.username());
            properties.put("datasources.default.password", database.password() == null ? "" : database.password());
        }
        properties.put("flyway.datasources.default.enabled", true);
        context = ApplicationContext.run(properties);
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
