package io.keyway.application;

import io.keyway.domain.keys.KeyId;
import io.keyway.domain.model.AccountId;
import io.keyway.domain.port.KeyVault;
import io.keyway.domain.port.UsageLedger;
import io.keyway.domain.usage.UsageQuery;
import io.keyway.domain.usage.UsageTotals;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;

/**
 * Usage as recorded: a gateway key's holder reads its own; an account reads one of its keys' or all of them,
 * grouped by day (UTC), model or key. Requests answered in the last few seconds may not be written yet (the ledger
 * writes in batches).
 */
public final class ViewUsage {
    static final Duration DEFAULT_RANGE = Duration.ofDays(30);

    private final Authenticator authenticator;
    private final KeyVault vault;
    private final UsageLedger ledger;
    private final Clock clock;

    public ViewUsage(Authenticator authenticator, KeyVault vault, UsageLedger ledger, Clock clock) {
        this.authenticator = authenticator;
        this.vault = vault;
        this.ledger = ledger;
        this.clock = clock;
    }

    /** The query's parameters as the client sent them (null when absent). */
    public record Parameters(String from, String to, String groupBy) {
    }

    public record Report(Instant from, Instant to, UsageQuery.GroupBy groupBy, List<UsageTotals> data, UsageTotals total) {
    }

    public Outcome<Report> ownKey(String gatewayBearer, Parameters parameters) {
        return authenticator.gateway(gatewayBearer).then(caller -> {
            caller.key().destroy();
            return report(caller.record().account(), caller.record().id().value(), parameters, false);
        });
    }

    public Outcome<Report> oneKey(String managementBearer, String keyId, Parameters parameters) {
        return authenticator.management(managementBearer).then(owner -> {
            boolean ours = KeyId.isWellFormed(keyId) && vault.findGatewayKey(new KeyId(keyId))
                    .filter(key -> key.account().equals(owner.account())).isPresent();
            return ours ? report(owner.account(), keyId, parameters, false) : Outcome.refused(GatewayKeys.notFound(keyId));
        });
    }

    public Outcome<Report> account(String managementBearer, Parameters parameters) {
        return authenticator.management(managementBearer).then(owner -> report(owner.account(), null, parameters, true));
    }

    private Outcome<Report> report(AccountId account, String keyId, Parameters parameters, boolean byKeyAllowed) {
        Instant now = clock.instant();
        Instant to;
        Instant from;
        try {
            to = parameters.to() == null ? now : instant(parameters.to());
        } catch (IllegalArgumentException bad) {
            return Outcome.refused(new Refusal.InvalidRequest("'to' must be unix seconds or an RFC 3339 time, like 2026-11-26T00:00:00Z.", "to"));
        }
        try {
            from = parameters.from() == null ? to.minus(DEFAULT_RANGE) : instant(parameters.from());
        } catch (IllegalArgumentException bad) {
            return Outcome.refused(new Refusal.InvalidRequest("'from' must be unix seconds or an RFC 3339 time, like 2026-11-01T00:00:00Z.", "from"));
        }
        if (!from.isBefore(to)) {
            return Outcome.refused(new Refusal.InvalidRequest("'from' must be before 'to'.", "from"));
        }
        UsageQuery.GroupBy groupBy;
        String wanted = parameters.groupBy() == null ? "day" : parameters.groupBy();
        try {
            groupBy = UsageQuery.GroupBy.valueOf(wanted.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException unknown) {
            groupBy = null;
        }
        if (groupBy == null || !wanted.equals(wanted.toLowerCase(Locale.ROOT)) || (groupBy == UsageQuery.GroupBy.KEY && !byKeyAllowed)) {
            return Outcome.refused(new Refusal.InvalidRequest("'group_by' must be one of " + (byKeyAllowed ? "day, model, key" : "day, model")
                    + ".", "group_by"));
        }
        List<UsageTotals> rows = ledger.summarize(new UsageQuery(account, keyId, from, to, groupBy));
        UsageTotals total = rows.stream().reduce(UsageTotals.zero(null), UsageTotals::plus);
        return Outcome.done(new Report(from, to, groupBy, rows, new UsageTotals(null, total.requests(), total.promptTokens(),
                total.completionTokens(), total.totalTokens(), total.cost(), total.estimatedRequests())));
    }

    /** Unix seconds, or an RFC 3339 date-time with its offset. */
    static Instant instant(String text) {
        if (text.matches("\\d{1,12}")) {
            return Instant.ofEpochSecond(Long.parseLong(text));
        }
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException notRfc3339) {
            throw new IllegalArgumentException(notRfc3339);
        }
    }
}
