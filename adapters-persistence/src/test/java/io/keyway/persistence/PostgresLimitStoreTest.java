package io.keyway.persistence;

import io.keyway.domain.port.LimitCountersContract;
import io.keyway.domain.port.LimitStore;
import io.keyway.persistence.testkit.TestDatabase;

/** Keys' limits keep the {@link LimitCountersContract} with their counters in a real PostgreSQL, migrated by Flyway. */
class PostgresLimitStoreTest extends LimitCountersContract {
    @Override
    protected LimitStore store() {
        return TestDatabase.persistenceContext().getBean(PostgresLimitStore.class);
    }
}
