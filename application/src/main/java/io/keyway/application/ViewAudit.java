package io.keyway.application;

import io.keyway.domain.audit.AuditChain;
import io.keyway.domain.audit.AuditLog;
import io.keyway.domain.keys.KeyId;
import io.keyway.domain.model.AccountId;

import java.time.Instant;
import java.util.UUID;

/**
 * An account reads its own audit trail with its management key, newest first, a page at a time (at most
 * {@value #MAX_PAGE} rows), and checks its hash chain. Another account's key sees nothing of it.
 */
public final class ViewAudit {
    static final int MAX_PAGE = 500;
    static final int DEFAULT_PAGE = 100;

    private final Authenticator authenticator;
    private final AuditLog log;

    public ViewAudit(Authenticator authenticator, AuditLog log) {
        this.authenticator = authenticator;
        this.log = log;
    }

    /** The query's parameters as the client sent them (null when absent). */
    public record Parameters(String from, String to, String action, String keyId, String limit, String cursor) {
    }

    public Outcome<AuditLog.Page> page(String managementBearer, Parameters parameters) {
        return authenticator.management(managementBearer).then(owner -> pageOf(owner.account(), parameters));
    }

    public Outcome<AuditChain.Verification> verify(String managementBearer) {
        return authenticator.management(managementBearer).then(owner -> Outcome.done(log.verify(owner.account())));
    }

    /** The operator's view of any account's trail (the caller checked the admin token, or is the CLI). */
    public Outcome<AuditLog.Page> pageForOperator(String accountId, Parameters parameters) {
        return account(accountId).then(account -> pageOf(account, parameters));
    }

    public Outcome<AuditChain.Verification> verifyForOperator(String accountId) {
        return account(accountId).then(account -> Outcome.done(log.verify(account)));
    }

    private static Outcome<AccountId> account(String accountId) {
        try {
            return Outcome.done(new AccountId(UUID.fromString(accountId == null ? "" : accountId)));
        } catch (IllegalArgumentException notAnId) {
            return invalid("'account' must be an account's id.", "account");
        }
    }

    private Outcome<AuditLog.Page> pageOf(AccountId account, Parameters parameters) {
        {
            Instant from;
            Instant to;
            try {
                from = parameters.from() == null ? null : ViewUsage.instant(parameters.from());
            } catch (IllegalArgumentException bad) {
                return invalid("'from' must be unix seconds or an RFC 3339 date-time.", "from");
            }
            try {
                to = parameters.to() == null ? null : ViewUsage.instant(parameters.to());
            } catch (IllegalArgumentException bad) {
                return invalid("'to' must be unix seconds or an RFC 3339 date-time.", "to");
            }
            if (parameters.action() != null && !parameters.action().matches("[a-z_]{1,40}\\.[a-z_]{1,40}")) {
                return invalid("'action' must be an action such as gateway_key.rotated.", "action");
            }
            if (parameters.keyId() != null && !KeyId.isWellFormed(parameters.keyId())) {
                return invalid("'key_id' must be a key's 16-hex-digit id.", "key_id");
            }
            int limit = DEFAULT_PAGE;
            if (parameters.limit() != null) {
                if (!parameters.limit().matches("\\d{1,4}") || Integer.parseInt(parameters.limit()) < 1 || Integer.parseInt(parameters.limit()) > MAX_PAGE) {
                    return invalid("'limit' must be a whole number from 1 to " + MAX_PAGE + ".", "limit");
                }
                limit = Integer.parseInt(parameters.limit());
            }
            Long before = null;
            if (parameters.cursor() != null) {
                if (!parameters.cursor().matches("\\d{1,18}")) {
                    return invalid("'cursor' must be the next_cursor of a previous page.", "cursor");
                }
                before = Long.parseLong(parameters.cursor());
            }
            return Outcome.done(log.page(account, new AuditLog.Query(from, to, parameters.action(), parameters.keyId(), limit, before)));
        }
    }

    private static <T> Outcome<T> invalid(String message, String param) {
        return Outcome.refused(new Refusal.InvalidRequest(message, param));
    }
}
