package io.keyway.bootstrap;

import io.micronaut.data.connection.jdbc.advice.DelegatingDataSource;
import picocli.CommandLine.Command;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.Callable;

/** {@code ./keyway db migrate}: the schema. */
final class DbCommands {
    private DbCommands() {
    }

    @Command(name = "db", mixinStandardHelpOptions = true, versionProvider = KeywayCli.Version.class,
            description = "The database's schema.", subcommands = DbMigrate.class)
    static final class Group {
    }

    @Command(name = "migrate", mixinStandardHelpOptions = true, versionProvider = KeywayCli.Version.class,
            description = "Applies every pending migration (the server also does at start) and prints the schema version.")
    static final class DbMigrate implements Callable<Integer> {
        private final KeywayCli.Session session;

        DbMigrate(KeywayCli.Session session) {
            this.session = session;
        }

        @Override
        public Integer call() throws Exception {
            // Flyway runs when the context starts its datasource: by the time the bean is here, migration is done.
            DataSource dataSource = DelegatingDataSource.unwrapDataSource(session.bean(DataSource.class));
            try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
                 ResultSet rows = statement.executeQuery(
                         "select version, description from flyway_schema_history where success and version is not null order by installed_rank")) {
                String last = null;
                int count = 0;
                while (rows.next()) {
                    last = "V" + rows.getString(1) + " " + rows.getString(2);
                    count++;
                }
                session.out().println("schema up to date: " + count + " migrations applied, the last " + last);
            }
            return 0;
        }
    }
}
