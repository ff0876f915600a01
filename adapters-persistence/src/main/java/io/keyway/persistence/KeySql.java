package io.keyway.persistence;

import io.micronaut.data.jdbc.runtime.JdbcOperations;
import jakarta.inject.Singleton;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The key queries kept in plain SQL through Micronaut Data's {@link JdbcOperations}: provider_keys' composite key
 * and upsert, the row lock, and the joins of gateway and provider keys read more plainly as SQL than as generated
 * repository methods. It speaks rows only; {@link KeyRows} maps them.
 */
@Singleton
class KeySql {
    private static final String COLUMNS = "p.key_id, p.provider, p.sealed, p.hint, p.updated_at";

    private final JdbcOperations jdbc;

    KeySql(JdbcOperations jdbc) {
        this.jdbc = jdbc;
    }

    /** A gateway key's row with the rows of its provider keys. */
    record GatewayKeyRows(GatewayKeyRow key, List<ProviderKeyRow> providerKeys) {
    }

    /**
     * Tells every instance that a gateway key changed (created, deleted, a provider key attached or detached). Sent
     * with the transaction: listeners hear it when it commits, and never when it rolls back.
     */
    void notifyChanged(String keyId) {
        jdbc.prepareStatement("SELECT pg_notify(?, ?)", statement -> {
            statement.setString(1, KeyChangeListener.CHANNEL);
            statement.setString(2, keyId);
            statement.executeQuery().close();
            return null;
        });
    }

    /** Locks a gateway key's row until the transaction ends; false when the key does not exist. */
    boolean lockGatewayKey(String keyId) {
        return jdbc.prepareStatement("SELECT 1 FROM gateway_keys WHERE key_id = ? FOR UPDATE", statement -> {
            statement.setString(1, keyId);
            try (ResultSet found = statement.executeQuery()) {
                return found.next();
            }
        });
    }

    void upsert(ProviderKeyRow row) {
        jdbc.prepareStatement("INSERT INTO provider_keys (key_id, provider, sealed, hint, updated_at) VALUES (?, ?, ?, ?, ?) "
                + "ON CONFLICT (key_id, provider) DO UPDATE SET sealed = EXCLUDED.sealed, hint = EXCLUDED.hint, "
                + "updated_at = EXCLUDED.updated_at", statement -> {
            statement.setString(1, row.keyId());
            statement.setString(2, row.provider());
            statement.setBytes(3, row.sealed());
            statement.setString(4, row.hint());
            statement.setTimestamp(5, Timestamp.from(row.updatedAt()));
            return statement.executeUpdate();
        });
    }

    boolean delete(String keyId, String provider) {
        return jdbc.prepareStatement("DELETE FROM provider_keys WHERE key_id = ? AND provider = ?", statement -> {
            statement.setString(1, keyId);
            statement.setString(2, provider);
            return statement.executeUpdate() > 0;
        });
    }

    /**
     * A gateway key with its sealed provider keys in one round trip: this lookup runs on every request, so it is one
     * query rather than the repository's read plus this table's.
     */
    Optional<GatewayKeyRows> gatewayKeyWithProviderKeys(String keyId) {
        return jdbc.prepareStatement("SELECT g.key_id AS g_key_id, g.account_id, g.name, g.verifier, g.created_at, " + COLUMNS
                + " FROM gateway_keys g LEFT JOIN provider_keys p ON p.key_id = g.key_id WHERE g.key_id = ?", statement -> {
            statement.setString(1, keyId);
            try (ResultSet rows = statement.executeQuery()) {
                GatewayKeyRow key = null;
                List<ProviderKeyRow> providerKeys = new ArrayList<>();
                while (rows.next()) {
                    if (key == null) {
                        key = new GatewayKeyRow(rows.getString("g_key_id"), rows.getObject("account_id", UUID.class),
                                rows.getString("name"), rows.getBytes("verifier"), rows.getTimestamp("created_at").toInstant());
                    }
                    if (rows.getString("provider") != null) {
                        providerKeys.add(providerKey(rows));
                    }
                }
                return key == null ? Optional.empty() : Optional.of(new GatewayKeyRows(key, providerKeys));
            }
        });
    }

    /** Every provider key of every gateway key of an account, in one query. */
    List<ProviderKeyRow> ofAccount(UUID accountId) {
        return jdbc.prepareStatement("SELECT " + COLUMNS + " FROM provider_keys p JOIN gateway_keys g ON g.key_id = p.key_id "
                + "WHERE g.account_id = ?", statement -> {
            statement.setObject(1, accountId);
            return read(statement);
        });
    }

    private static List<ProviderKeyRow> read(PreparedStatement statement) throws SQLException {
        List<ProviderKeyRow> rows = new ArrayList<>();
        try (ResultSet results = statement.executeQuery()) {
            while (results.next()) {
                rows.add(providerKey(results));
            }
        }
        return rows;
    }

    private static ProviderKeyRow providerKey(ResultSet results) throws SQLException {
        return new ProviderKeyRow(results.getString("key_id"), results.getString("provider"), results.getBytes("sealed"),
                results.getString("hint"), results.getTimestamp("updated_at").toInstant());
    }
}
