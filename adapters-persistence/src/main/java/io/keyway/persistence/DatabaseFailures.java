package io.keyway.persistence;

import io.keyway.domain.port.KeyVaultUnavailable;
import io.micronaut.data.connection.exceptions.ConnectionException;

import java.net.ConnectException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import java.util.function.Supplier;

/**
 * Where the vault's border turns "PostgreSQL cannot be reached" (refused, timed out waiting for a connection, the
 * server shutting down, a broken connection, a connection Micronaut could not prepare) into the domain's
 * {@link KeyVaultUnavailable}. Anything else (a bug, a
 * constraint) passes unchanged.
 */
final class DatabaseFailures {
    private DatabaseFailures() {
    }

    static <T> T translate(Supplier<T> call) {
        try {
            return call.get();
        } catch (RuntimeException failure) {
            if (unreachable(failure)) {
                throw new KeyVaultUnavailable("The key database cannot be reached.", failure);
            }
            throw failure;
        }
    }

    private static boolean unreachable(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLTransientConnectionException || cause instanceof SQLNonTransientConnectionException
                    || cause instanceof ConnectException || cause instanceof ConnectionException) {
                return true;
            }
            if (cause instanceof SQLException sql && sql.getSQLState() != null
                    && (sql.getSQLState().startsWith("08") || sql.getSQLState().startsWith("57P"))) {
                return true;
            }
            if (cause.getCause() == cause) {
                break;
            }
        }
        return false;
    }
}
