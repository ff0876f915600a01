package io.keyway.persistence;

import io.keyway.domain.audit.AuditActor;
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
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Reads an account's audit trail ({@link AuditLog}): pages newest first from a cursor, with the chain's head and which
 * of the keys they name still exist, and the whole chain for verification. {@link AuditSql} writes it.
 */
@Singleton
class AuditPages implements AuditLog {
    private static final String COLUMNS = "seq, account_id, at, action, key_id, provider, change, actor, client_address, request_id, previous, hash";

    private final JdbcOperations jdbc;

    AuditPages(JdbcOperations jdbc) {
        this.jdbc = jdbc;
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
        String head = AuditChain.hex(AuditSql.head(jdbc, account.value()));
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
