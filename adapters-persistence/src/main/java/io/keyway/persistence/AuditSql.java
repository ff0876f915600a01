package io.keyway.persistence;

import io.keyway.domain.audit.AuditActor;
import io.keyway.domain.audit.AuditActors;
import io.keyway.domain.audit.AuditChain;
import io.keyway.domain.audit.AuditEvent;
import io.keyway.domain.audit.AuditLog;
import io.keyway.domain.model.AccountId;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Singleton;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Writes audit rows inside the transaction of the change they record ({@link PostgresKeyVault}), each account's rows
 * chained one after the other under a transaction-scoped advisory lock on the account, and reads them
 * ({@link AuditLog}). A row holds what changed and who changed it, never a secret, verifier or seal.
 */
@Singleton
class AuditSql implements AuditLog {
    private static final String COLUMNS = "seq, account_id, at, action, key_id, provider, change, actor, client_address, request_id, previous, hash";

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
        byte[] previous = jdbc.prepareStatement("SELECT hash FROM audit_events WHERE account_id = ? ORDER BY seq DESC LIMIT 1", statement -> {
            statement.setObject(1, account);
            try (ResultSet found = statement.executeQuery()) {
                return found.next() ? found.getBytes(1) : AuditChain.GENESIS;
            }
        });
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

    @Override
    @Transactional
    public Page page(AccountId account, Query query) {
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM audit_events WHERE account_id = ?");
        List<Object> values = new ArrayList<>(List.of(account.value()));
        if (query.before() != null) {
            sql.append(" AND seq < ?");
            values.add(query.before());
        }
        if (query.from() != null) {
            sql.append(" AND at >= ?");
            values.add(Timestamp.from(query.from()));
        }
        if (query.to() != null) {
            sql.append(" AND at < ?");
            values.add(Timestamp.from(query.to()));
        }
        if (query.action() != null) {
            sql.append(" AND action = ?");
            values.add(query.action());
        }
        if (query.keyId() != null) {
            sql.append(" AND key_id = ?");
            values.add(query.keyId());
        }
        sql.append(" ORDER BY seq DESC LIMIT ?");
        values.add(query.limit() + 1);
        List<AuditEvent> rows = jdbc.prepareStatement(sql.toString(), statement -> {
            bind(statement, values);
            return read(statement);
        });
        Long next = null;
        if (rows.size() > query.limit()) {
            rows = rows.subList(0, query.limit());
            next = rows.get(rows.size() - 1).sequence();
        }
        String head = jdbc.prepareStatement("SELECT hash FROM audit_events WHERE account_id = ? ORDER BY seq DESC LIMIT 1", statement -> {
            statement.setObject(1, account.value());
            try (ResultSet found = statement.executeQuery()) {
                return found.next() ? AuditChain.hex(found.getBytes(1)) : AuditChain.hex(AuditChain.GENESIS);
            }
        });
        return new Page(List.copyOf(rows), head, next, existing(rows));
    }

    @Override
    @Transactional
    public AuditChain.Verification verify(AccountId account) {
        List<AuditEvent> all = jdbc.prepareStatement("SELECT " + COLUMNS + " FROM audit_events WHERE account_id = ? ORDER BY seq", statement -> {
            statement.setObject(1, account.value());
            return read(statement);
        });
        return AuditChain.verify(all);
    }

    /** Which of the keys the rows name still exist (gateway or management). */
    private java.util.Set<String> existing(List<AuditEvent> rows) {
        String[] named = rows.stream().map(AuditEvent::keyId).filter(java.util.Objects::nonNull).distinct().toArray(String[]::new);
        if (named.length == 0) {
            return java.util.Set.of();
        }
        return jdbc.prepareStatement("SELECT key_id FROM gateway_keys WHERE key_id = ANY (?) UNION SELECT key_id FROM management_keys WHERE key_id = ANY (?)",
                statement -> {
                    java.sql.Array ids = statement.getConnection().createArrayOf("text", named);
                    statement.setArray(1, ids);
                    statement.setArray(2, ids);
                    java.util.Set<String> found = new java.util.HashSet<>();
                    try (ResultSet result = statement.executeQuery()) {
                        while (result.next()) {
                            found.add(result.getString(1));
                        }
                    }
                    return found;
                });
    }

    private static void bind(PreparedStatement statement, List<Object> values) throws SQLException {
        for (int i = 0; i < values.size(); i++) {
            statement.setObject(i + 1, values.get(i));
        }
    }

    private static List<AuditEvent> read(PreparedStatement statement) throws SQLException {
        List<AuditEvent> rows = new ArrayList<>();
        try (ResultSet found = statement.executeQuery()) {
            while (found.next()) {
                rows.add(new AuditEvent(found.getLong("seq"), found.getTimestamp("at").toInstant(),
                        new AccountId((UUID) found.getObject("account_id")), found.getString("action"), found.getString("key_id"),
                        found.getString("provider"), found.getString("change"),
                        new AuditActor(found.getString("actor"), found.getString("client_address"), found.getString("request_id")),
                        found.getBytes("previous"), found.getBytes("hash")));
            }
        }
        return rows;
    }
}
