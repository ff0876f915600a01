package io.keyway.persistence;

import io.keyway.domain.audit.AuditActor;
import io.keyway.domain.audit.AuditActors;
import io.keyway.domain.audit.AuditChain;
import io.keyway.domain.model.AccountId;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Singleton;

import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Writes audit rows inside the transaction of the change they record ({@link PostgresKeyVault}), each account's rows
 * chained one after the other under a transaction-scoped advisory lock on the account; {@link AuditPages} reads them.
 * A row holds what changed and who changed it, never a secret, verifier or seal.
 */
@Singleton
class AuditSql {

    private final JdbcOperations jdbc;
    private final Optional<AuditActors> actors;
    private final Clock clock;

    AuditSql(JdbcOperations jdbc, Optional<AuditActors> actors, Optional<Clock> clock) {
        this.jdbc = jdbc;
        this.actors = actors;
        this.clock = clock.orElse(Clock.systemUTC());
    }

    /** Appends one row to {@code account}'s chain; must run inside the change's transaction. */
    void append(UUID account, String action, String keyId, String provider, Map<String, Object> change) {
        append(currentActor(), account, action, keyId, provider, change);
    }

    /** Who is making the change being served, on the thread serving it. */
    AuditActor currentActor() {
        return actors.map(AuditActors::current).orElse(AuditActor.SYSTEM);
    }

    /**
     * Appends one row made by {@code actor} in a transaction of its own, unless the account's trail already holds a
     * row of this action for this key (checked under the account's chain lock, so two racing writers make one row).
     *
     * @return whether the row was written
     */
    @Transactional
    public boolean appendOnce(AuditActor actor, UUID account, String action, String keyId, Map<String, Object> change) {
        lockChain(account);
        boolean present = jdbc.prepareStatement("SELECT 1 FROM audit_events WHERE account_id = ? AND key_id = ? AND action = ? LIMIT 1", statement -> {
            statement.setObject(1, account);
            statement.setString(2, keyId);
            statement.setString(3, action);
            try (ResultSet found = statement.executeQuery()) {
                return found.next();
            }
        });
        if (present) {
            return false;
        }
        append(actor, account, action, keyId, null, change);
        return true;
    }

    /** Appends one row made by {@code actor} in a transaction of its own. */
    @Transactional
    public void appendAlone(AuditActor actor, UUID account, String action, String keyId, Map<String, Object> change) {
        append(actor, account, action, keyId, null, change);
    }

    private void lockChain(UUID account) {
        jdbc.prepareStatement("SELECT pg_advisory_xact_lock(hashtextextended(?, 23))", statement -> {
            statement.setString(1, account.toString());
            statement.executeQuery().close();
            return null;
        });
    }

    private void append(AuditActor actor, UUID account, String action, String keyId, String provider, Map<String, Object> change) {
        Instant at = clock.instant().truncatedTo(ChronoUnit.MICROS);
        String changeJson = canonical(change);
        lockChain(account);
        byte[] previous = head(jdbc, account);
        byte[] hash = AuditChain.hash(previous, at, new AccountId(account), action, keyId, provider, changeJson, actor);
        jdbc.prepareStatement("INSERT INTO audit_events (account_id, at, action, key_id, provider, change, actor, client_address, request_id, previous, hash) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", statement -> {
            statement.setObject(1, account);
            statement.setTimestamp(2, Timestamp.from(at));
            statement.setString(3, action);
            statement.setString(4, keyId);
            statement.setString(5, provider);
            statement.setString(6, changeJson);
            statement.setString(7, actor.actor());
            statement.setString(8, actor.clientAddress());
            statement.setString(9, actor.requestId());
            statement.setBytes(10, previous);
            statement.setBytes(11, hash);
            statement.executeUpdate();
            return null;
        });
    }

    /**
     * Deletes the rows older than {@code cutoff}, the one deletion the table's trigger lets through; returns how many.
     * Each account's oldest row left keeps its previous hash, so its chain is still checked from there.
     */
    @Transactional
    public int prune(Instant cutoff) {
        jdbc.prepareStatement("SET LOCAL keyway.audit_prune = 'on'", statement -> statement.execute());
        return jdbc.prepareStatement("DELETE FROM audit_events WHERE at < ?", statement -> {
            statement.setTimestamp(1, Timestamp.from(cutoff));
            return statement.executeUpdate();
        });
    }

    /** The accounts owning the given key ids (gateway or management), each with the ids it owns. */
    @Transactional
    public Map<UUID, java.util.SortedSet<String>> owners(java.util.Set<String> keyIds) {
        Map<UUID, java.util.SortedSet<String>> owners = new java.util.LinkedHashMap<>();
        for (String id : keyIds) {
            accountOfGatewayKey(id).or(() -> accountOfManagementKey(id))
                    .ifPresent(account -> owners.computeIfAbsent(account, a -> new java.util.TreeSet<>()).add(id));
        }
        return owners;
    }

    /** The account a gateway key belongs to, when it exists. */
    Optional<UUID> accountOfGatewayKey(String keyId) {
        return accountOf("SELECT account_id FROM gateway_keys WHERE key_id = ?", keyId);
    }

    Optional<UUID> accountOfManagementKey(String keyId) {
        return accountOf("SELECT account_id FROM management_keys WHERE key_id = ?", keyId);
    }

    private Optional<UUID> accountOf(String sql, String keyId) {
        return jdbc.prepareStatement(sql, statement -> {
            statement.setString(1, keyId);
            try (ResultSet found = statement.executeQuery()) {
                return found.next() ? Optional.of((UUID) found.getObject(1)) : Optional.empty();
            }
        });
    }

    /** A provider key's hint (its last four characters) as stored, when there is one. */
    Optional<String> hintOf(String keyId, String provider) {
        return jdbc.prepareStatement("SELECT hint FROM provider_keys WHERE key_id = ? AND provider = ?", statement -> {
            statement.setString(1, keyId);
            statement.setString(2, provider);
            try (ResultSet found = statement.executeQuery()) {
                return found.next() ? Optional.ofNullable(found.getString(1)) : Optional.empty();
            }
        });
    }

    /** {@code change} as JSON with its keys sorted: strings, numbers, booleans and nulls only. */
    static String canonical(Map<String, Object> change) {
        StringBuilder json = new StringBuilder("{");
        new TreeMap<>(change).forEach((name, value) -> {
            if (json.length() > 1) {
                json.append(',');
            }
            json.append(quote(name)).append(':');
            if (value == null) {
                json.append("null");
            } else if (value instanceof Number || value instanceof Boolean) {
                json.append(value instanceof java.math.BigDecimal decimal ? decimal.toPlainString() : value.toString());
            } else {
                json.append(quote(value.toString()));
            }
        });
        return json.append('}').toString();
    }

    private static String quote(String text) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    /** The hash of the account's newest row (the chain's head), or the genesis hash when it has none. */
    static byte[] head(JdbcOperations jdbc, UUID account) {
        return jdbc.prepareStatement("SELECT hash FROM audit_events WHERE account_id = ? ORDER BY seq DESC LIMIT 1", statement -> {
            statement.setObject(1, account);
            try (ResultSet found = statement.executeQuery()) {
                return found.next() ? found.getBytes(1) : AuditChain.GENESIS;
            }
        });
    }
}
