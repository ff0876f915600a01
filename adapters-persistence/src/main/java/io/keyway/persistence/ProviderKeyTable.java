package io.keyway.persistence;

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

/**
 * The provider_keys table, kept with plain SQL through Micronaut Data's {@link JdbcOperations}: its composite key,
 * its upsert and its join by account read more plainly as SQL than as a generated repository.
 */
@Singleton
class ProviderKeyTable {
    private static final String COLUMNS = "p.key_id, p.provider, p.sealed, p.hint, p.updated_at";

    private final JdbcOperations jdbc;

    ProviderKeyTable(JdbcOperations jdbc) {
        this.jdbc = jdbc;
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

    Map<ProviderId, SealedProviderKey> ofKey(String keyId) {
        return jdbc.prepareStatement("SELECT " + COLUMNS + " FROM provider_keys p WHERE p.key_id = ?", statement -> {
            statement.setString(1, keyId);
            return byProvider(read(statement)).getOrDefault(keyId, Map.of());
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
                ProviderId provider = new ProviderId(results.getString("provider"));
                rows.add(new Row(results.getString("key_id"), new SealedProviderKey(provider,
                        new SealedSecret(results.getBytes("sealed")), results.getString("hint"),
                        results.getTimestamp("updated_at").toInstant())));
            }
        }
        return rows;
    }

    private static Map<String, Map<ProviderId, SealedProviderKey>> byProvider(List<Row> rows) {
        Map<String, Map<ProviderId, SealedProviderKey>> result = new HashMap<>();
        for (Row row : rows) {
            result.computeIfAbsent(row.keyId(), id -> new HashMap<>()).put(row.key().provider(), row.key());
        }
        return result;
    }
}
