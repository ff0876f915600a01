package io.keyway.persistence;

import io.keyway.domain.model.GatewayKey;
import io.keyway.domain.model.ProviderId;
import io.keyway.domain.model.SealedProviderKey;
import io.keyway.domain.model.SealedSecret;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import jakarta.inject.Singleton;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The key queries kept in plain SQL through Micronaut Data's {@link JdbcOperations}: provider_keys' composite key
 * and upsert, the row lock, and the joins of gateway and provider keys read more plainly as SQL than as generated
 * repository methods.
 */
@Singleton
class KeySql {
    private static final String COLUMNS = "p.key_id, p.provider, p.sealed, p.hint, p.updated_at";

    private final JdbcOperations jdbc;

    KeySql(JdbcOperations jdbc) {
        this.jdbc = jdbc;
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

    void upsert(String keyId, SealedProviderKey key) {
        jdbc.prepareStatement("INSERT INTO provider_keys (key_id, provider, sealed, hint, updated_at) VALUES (?, ?, ?, ?, ?) "
                + "ON CONFLICT (key_id, provider) DO UPDATE SET sealed = EXCLUDED.sealed, hint = EXCLUDED.hint, "
                + "updated_at = EXCLUDED.updated_at", statement -> {
            statement.setString(1, keyId);
            statement.setString(2, key.provider().value());
            statement.setBytes(3, key.sealed().blob());
            statement.setString(4, key.hint());
            statement.setTimestamp(5, Timestamp.from(key.updatedAt()));
            return statement.executeUpdate();
        });
    }

    boolean delete(String keyId, ProviderId provider) {
        return jdbc.prepareStatement("DELETE FROM provider_keys WHERE key_id = ? AND provider = ?", statement -> {
            statement.setString(1, keyId);
            statement.setString(2, provider.value());
            return statement.executeUpdate() > 0;
        });
    }

    /**
     * A gateway key with its sealed provider keys in one round trip: this lookup runs on every request, so it is one
     * query rather than the repository's read plus this table's.
     */
    Optional<GatewayKey> gatewayKeyWithProviderKeys(String keyId) {
        return jdbc.prepareStatement("SELECT g.key_id AS g_key_id, g.account_id, g.name, g.verifier, g.created_at, " + COLUMNS
                + " FROM gateway_keys g LEFT JOIN provider_keys p ON p.key_id = g.key_id WHERE g.key_id = ?", statement -> {
            statement.setString(1, keyId);
            try (ResultSet rows = statement.executeQuery()) {
                GatewayKeyRow key = null;
                Map<ProviderId, SealedProviderKey> sealed = new HashMap<>();
                while (rows.next()) {
                    if (key == null) {
                        key = new GatewayKeyRow(rows.getString("g_key_id"), rows.getObject("account_id", java.util.UUID.class),
                                rows.getString("name"), rows.getBytes("verifier"), rows.getTimestamp("created_at").toInstant());
                    }
                    if (rows.getString("provider") != null) {
                        SealedProviderKey providerKey = row(rows);
                        sealed.put(providerKey.provider(), providerKey);
                    }
                }
                return key == null ? Optional.empty() : Optional.of(PostgresKeyVault.toDomain(key, sealed));
            }
        });
    }

    /** Every provider key of every gateway key of an account, by gateway key id, in one query. */
    Map<String, Map<ProviderId, SealedProviderKey>> ofAccount(java.util.UUID accountId) {
        return jdbc.prepareStatement("SELECT " + COLUMNS + " FROM provider_keys p JOIN gateway_keys g ON g.key_id = p.key_id "
                + "WHERE g.account_id = ?", statement -> {
            statement.setObject(1, accountId);
            return byProvider(read(statement));
        });
    }

    private record Row(String keyId, SealedProviderKey key) {
    }

    private static List<Row> read(PreparedStatement statement) throws SQLException {
        List<Row> rows = new ArrayList<>();
        try (ResultSet results = statement.executeQuery()) {
            while (results.next()) {
                rows.add(new Row(results.getString("key_id"), row(results)));
            }
        }
        return rows;
    }

    private static SealedProviderKey row(ResultSet results) throws SQLException {
        return new SealedProviderKey(new ProviderId(results.getString("provider")), new SealedSecret(results.getBytes("sealed")),
                results.getString("hint"), results.getTimestamp("updated_at").toInstant());
    }

    private static Map<String, Map<ProviderId, SealedProviderKey>> byProvider(List<Row> rows) {
        Map<String, Map<ProviderId, SealedProviderKey>> result = new HashMap<>();
        for (Row row : rows) {
            result.computeIfAbsent(row.keyId(), id -> new HashMap<>()).put(row.key().provider(), row.key());
        }
        return result;
    }
}
