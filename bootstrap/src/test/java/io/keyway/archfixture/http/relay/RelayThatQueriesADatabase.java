package io.keyway.archfixture.http.relay;

import javax.sql.DataSource;

/** Wrong, and only against the relay's clause on what it uses: the relay talks to a store itself. */
public class RelayThatQueriesADatabase {
    public Object connect(DataSource dataSource) throws java.sql.SQLException {
        return dataSource.getConnection();
    }
}
