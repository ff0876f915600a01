package io.keyway.persistence;

import io.keyway.domain.port.LimitCountersContract;
import io.keyway.domain.port.LimitStore;
import io.keyway.persistence.testkit.TestDatabase;
import io.micronaut.context.ApplicationContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.util.Map;

/** Keys' limits keep the {@link LimitCountersContract} with their counters in a real PostgreSQL, migrated by Flyway. */
class PostgresLimitStoreTest extends LimitCountersContract {
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
    protected LimitStore store() {
        return context.getBean(PostgresLimitStore.class);
    }
}
