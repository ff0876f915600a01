package io.keyway.persistence;

import io.keyway.domain.model.AccountId;
import io.keyway.domain.port.UsageLedger;
import io.keyway.domain.usage.TokenUsage;
import io.keyway.domain.usage.UsageQuery;
import io.keyway.domain.usage.UsageRecord;
import io.keyway.domain.usage.UsageTotals;
import io.keyway.persistence.testkit.TestDatabase;
import io.micronaut.context.ApplicationContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The ledger on PostgreSQL: exact sums per group and range, and the retention period kept. */
class PostgresUsageLedgerTest {
    private static ApplicationContext context;

    @BeforeAll
    static void start() {
        context = ApplicationContext.run(TestDatabase.persistenceContextProperties(Map.of("keyway.usage.flush-interval", "1h",
                "keyway.usage.retention", "30d")));
    }

    @AfterAll
    static void stop() {
        context.close();
    }

    private static UsageRecord record(AccountId account, String key, String model, Instant at, long prompt, long completion, String cost) {
        return new UsageRecord(at, account, key, model, "openrouter", "chat/completions", 200, 12, false, "completed",
                new TokenUsage(prompt, completion, prompt + completion, null, null, cost == null ? null : new BigDecimal(cost)));
    }

    @Test
    void sumsAreExactPerGroupAndRangeAndOldRecordsArePruned() throws Exception {
        PostgresUsageLedger ledger = (PostgresUsageLedger) context.getBean(UsageLedger.class);
        AccountId account = AccountId.random();
        Instant now = Instant.parse("2026-11-26T12:00:00Z");
        ledger.record(record(account, "aaaaaaaaaaaaaaaa", "m1", now, 10, 5, "0.1"));
        ledger.record(record(account, "aaaaaaaaaaaaaaaa", "m2", now.minus(Duration.ofDays(1)), 1, 2, "0.000000000000000001"));
        ledger.record(record(account, "bbbbbbbbbbbbbbbb", "m1", now, 100, 50, null));
        ledger.record(record(account, "bbbbbbbbbbbbbbbb", "m1", now.minus(Duration.ofDays(40)), 7, 7, "7"));
        ledger.record(record(AccountId.random(), "cccccccccccccccc", "m1", now, 1000, 1000, "1000"));
        ledger.flush();

        List<UsageTotals> byDay = ledger.summarize(new UsageQuery(account, null, now.minus(Duration.ofDays(2)), now.plusSeconds(1), UsageQuery.GroupBy.DAY));
        List<UsageTotals> byKey = ledger.summarize(new UsageQuery(account, null, now.minus(Duration.ofDays(60)), now.plusSeconds(1), UsageQuery.GroupBy.KEY));
        List<UsageTotals> oneKeyByModel = ledger.summarize(new UsageQuery(account, "aaaaaaaaaaaaaaaa", now.minus(Duration.ofDays(2)), now.plusSeconds(1),
                UsageQuery.GroupBy.MODEL));

        assertEquals(List.of(new UsageTotals("2026-11-25", 1, 1, 2, 3, new BigDecimal("0.000000000000000001")),
                new UsageTotals("2026-11-26", 2, 110, 55, 165, new BigDecimal("0.1"))), byDay);
        assertEquals(List.of(new UsageTotals("aaaaaaaaaaaaaaaa", 2, 11, 7, 18, new BigDecimal("0.100000000000000001")),
                new UsageTotals("bbbbbbbbbbbbbbbb", 2, 107, 57, 164, new BigDecimal("7"))), byKey);
        assertEquals(List.of("m1", "m2"), oneKeyByModel.stream().map(UsageTotals::group).toList());
        assertEquals(List.of(), ledger.summarize(new UsageQuery(account, null, now.plusSeconds(1), now.plusSeconds(2), UsageQuery.GroupBy.DAY)),
                "to is exclusive, from inclusive");

        assertEquals(1, ledger.prune(now), "the record 40 days old goes, with a retention of 30 days");
        assertEquals(3, ledger.summarize(new UsageQuery(account, null, now.minus(Duration.ofDays(60)), now.plusSeconds(1), UsageQuery.GroupBy.DAY))
                .stream().mapToLong(UsageTotals::requests).sum());
    }

    @Test
    void anyModelNameIsWrittenAsGivenAndTenThousandRecordsInOneFlush() throws Exception {
        PostgresUsageLedger ledger = (PostgresUsageLedger) context.getBean(UsageLedger.class);
        AccountId account = AccountId.random();
        Instant now = Instant.parse("2026-11-26T12:00:00.123456Z");
        // The names a client could send: COPY's own separators and escapes, quotes, non-ASCII, and a NUL, which
        // PostgreSQL's text cannot hold (kept as U+FFFD rather than failing the batch).
        List<String> models = List.of("a\tb", "a\nb\r", "back\\slash\\N", "\\N", "quote'\"", "émoji 🙂", "nul\0byte", "");
        for (String model : models) {
            ledger.record(record(account, "dddddddddddddddd", model, now, 1, 2, "0.5"));
        }
        for (int i = 0; i < 10_000; i++) {
            ledger.record(record(account, "eeeeeeeeeeeeeeee", "bulk", now, 1, 1, null));
        }
        long before = ledger.written();
        ledger.flush();

        assertEquals(models.size() + 10_000, ledger.written() - before);
        assertEquals(0, ledger.waiting());
        List<String> stored = ledger.summarize(new UsageQuery(account, "dddddddddddddddd", now.minusSeconds(1), now.plusSeconds(1),
                UsageQuery.GroupBy.MODEL)).stream().map(UsageTotals::group).sorted().toList();
        assertEquals(models.stream().map(m -> m.replace('\0', '\uFFFD')).sorted().toList(), stored);
        List<UsageTotals> bulk = ledger.summarize(new UsageQuery(account, "eeeeeeeeeeeeeeee", now.minusSeconds(1), now.plusSeconds(1),
                UsageQuery.GroupBy.KEY));
        assertEquals(List.of(new UsageTotals("eeeeeeeeeeeeeeee", 10_000, 10_000, 10_000, 20_000, BigDecimal.ZERO)), bulk);
    }
}
