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
    private static final String COLUMNS = "p.key_id, p.provider, p.sealed, p.hint, p.updated_at, p.previous_sealed";

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


    /** A gateway key's limits as stored, its row locked for the rest of the transaction; empty when the account holds no such key. */
    Optional<io.keyway.domain.model.KeyLimits> lockedLimits(java.util.UUID account, String keyId) {
        return jdbc.prepareStatement("SELECT limit_requests_per_minute, limit_tokens_per_day, limit_cost_per_month FROM gateway_keys "
                + "WHERE key_id = ? AND account_id = ? FOR UPDATE", statement -> {
            statement.setString(1, keyId);
            statement.setObject(2, account);
            try (ResultSet found = statement.executeQuery()) {
                if (!found.next()) {
                    return Optional.empty();
                }
                long requests = found.getLong(1);
                Long requestsPerMinute = found.wasNull() ? null : requests;
                long tokens = found.getLong(2);
                Long tokensPerDay = found.wasNull() ? null : tokens;
                return Optional.of(new io.keyway.domain.model.KeyLimits(requestsPerMinute, tokensPerDay, found.getBigDecimal(3)));
            }
        });
    }

    /** Replaces a gateway key's limits; false when the account holds no such key. */
    boolean setLimits(java.util.UUID account, String keyId, io.keyway.domain.model.KeyLimits limits) {
        return jdbc.prepareStatement("UPDATE gateway_keys SET limit_requests_per_minute = ?, limit_tokens_per_day = ?, "
                + "limit_cost_per_month = ? WHERE key_id = ? AND account_id = ?", statement -> {
            statement.setObject(1, limits.requestsPerMinute(), java.sql.Types.BIGINT);
            statement.setObject(2, limits.tokensPerDay(), java.sql.Types.BIGINT);
            statement.setBigDecimal(3, limits.costPerMonth());
            statement.setString(4, keyId);
            statement.setObject(5, account);
            return statement.executeUpdate() > 0;
        });
    }

    /** Locks a gateway key's row until the transaction ends and reads its verifier; empty when the key does not exist. */
    Optional<byte[]> lockedVerifier(String keyId) {
        return jdbc.prepareStatement("SELECT verifier FROM gateway_keys WHERE key_id = ? FOR UPDATE", statement -> {
            statement.setString(1, keyId);
            try (ResultSet found = statement.executeQuery()) {
                return found.next() ? Optional.of(found.getBytes(1)) : Optional.empty();
            }
        });
    }

    /** A gateway key's own provider keys. */
    List<ProviderKeyRow> ofGatewayKey(String keyId) {
        return jdbc.prepareStatement("SELECT " + COLUMNS + " FROM provider_keys p WHERE p.key_id = ?", statement -> {
            statement.setString(1, keyId);
            return read(statement);
        });
    }

    /** Sets a gateway key's secret verifier and the one a grace period still accepts (both null for none). */
    void setVerifiers(String keyId, byte[] verifier, byte[] previousVerifier, Timestamp previousValidUntil) {
        jdbc.prepareStatement("UPDATE gateway_keys SET verifier = ?, previous_verifier = ?, previous_valid_until = ? WHERE key_id = ?",
                statement -> {
                    statement.setBytes(1, verifier);
                    statement.setBytes(2, previousVerifier);
                    statement.setTimestamp(3, previousValidUntil);
                    statement.setString(4, keyId);
                    return statement.executeUpdate();
                });
    }

    /** Replaces a provider key's seal (after a rotation), keeping the replaced secret's copy or not. */
    void reseal(String keyId, String provider, byte[] sealed, byte[] previousSealed) {
        jdbc.prepareStatement("UPDATE provider_keys SET sealed = ?, previous_sealed = ? WHERE key_id = ? AND provider = ?", statement -> {
            statement.setBytes(1, sealed);
            statement.setBytes(2, previousSealed);
            statement.setString(3, keyId);
            statement.setString(4, provider);
            return statement.executeUpdate();
        });
    }

    /** The ids of an account's gateway keys. */
    /**
     * Locks an account's row for the rest of the transaction, whether it exists: a key being created for it (whose
     * foreign key holds a share lock on the row) is waited for, and none can be created after until the transaction ends.
     */
    boolean lockedAccount(UUID accountId) {
        return jdbc.prepareStatement("SELECT 1 FROM accounts WHERE id = ? FOR UPDATE", statement -> {
            statement.setObject(1, accountId);
            try (ResultSet found = statement.executeQuery()) {
                return found.next();
            }
        });
    }

    List<String> gatewayKeyIdsOf(UUID accountId) {
        return jdbc.prepareStatement("SELECT key_id FROM gateway_keys WHERE account_id = ?", statement -> {
            statement.setObject(1, accountId);
            List<String> ids = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    ids.add(rows.getString(1));
                }
            }
            return ids;
        });
    }

    boolean replaceManagementVerifier(String keyId, byte[] replaced, byte[] next) {
        return jdbc.prepareStatement("UPDATE management_keys SET verifier = ? WHERE key_id = ? AND verifier = ?", statement -> {
            statement.setBytes(1, next);
            statement.setString(2, keyId);
            statement.setBytes(3, replaced);
            return statement.executeUpdate() > 0;
        });
    }

    /** Attaches or replaces a provider key; a replaced one's copy under a rotated-away secret goes with it. */
    void upsert(ProviderKeyRow row) {
        jdbc.prepareStatement("INSERT INTO provider_keys (key_id, provider, sealed, hint, updated_at) VALUES (?, ?, ?, ?, ?) "
                + "ON CONFLICT (key_id, provider) DO UPDATE SET sealed = EXCLUDED.sealed, hint = EXCLUDED.hint, "
                + "updated_at = EXCLUDED.updated_at, previous_sealed = NULL", statement -> {
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
        return jdbc.prepareStatement("SELECT g.key_id AS g_key_id, g.account_id, g.name, g.verifier, g.created_at, g.expires_at, "
                + "g.previous_verifier, g.previous_valid_until, g.limit_requests_per_minute, g.limit_tokens_per_day, "
                + "g.limit_cost_per_month, " + COLUMNS
                + " FROM gateway_keys g LEFT JOIN provider_keys p ON p.key_id = g.key_id WHERE g.key_id = ?", statement -> {
            statement.setString(1, keyId);
            try (ResultSet rows = statement.executeQuery()) {
                GatewayKeyRow key = null;
                List<ProviderKeyRow> providerKeys = new ArrayList<>();
                while (rows.next()) {
                    if (key == null) {
                        key = new GatewayKeyRow(rows.getString("g_key_id"), rows.getObject("account_id", UUID.class),
                                rows.getString("name"), rows.getBytes("verifier"), rows.getTimestamp("created_at").toInstant(),
                                instant(rows.getTimestamp("expires_at")), rows.getBytes("previous_verifier"),
                                instant(rows.getTimestamp("previous_valid_until")), rows.getObject("limit_requests_per_minute", Long.class),
                                rows.getObject("limit_tokens_per_day", Long.class), rows.getBigDecimal("limit_cost_per_month"));
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
                results.getString("hint"), results.getTimestamp("updated_at").toInstant(), results.getBytes("previous_sealed"));
    }

    private static java.time.Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }
}
