package io.keyway.bootstrap;

import io.keyway.domain.testkit.Await;
import java.time.Duration;

import io.keyway.bootstrap.support.StoppablePostgres;
import io.keyway.domain.testkit.FakeUpstream;
import io.keyway.testkit.Gateway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Usage records survive a stop (written before it completes) and a database outage (kept, then written). */
class UsageDurabilityTest {
    private static final String CHAT = "{\"model\":\"openrouter-a/b\",\"messages\":[]}";
    private static final String WITH_USAGE = "{\"id\":\"g\",\"choices\":[],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":4,\"total_tokens\":7,\"cost\":0.25}}";

    @Test
    void recordsQueuedAtStopAreWrittenBeforeTheStopCompletes() throws Exception {
        String keyId;
        try (FakeUpstream openRouter = FakeUpstream.start();
             Gateway gateway = Gateway.start(openRouter.baseUrl(), Map.of("keyway.usage.flush-interval", "1h"))) {
            openRouter.answer("chat/completions", FakeUpstream.json(200, WITH_USAGE));
            String key = gateway.createGatewayKey(gateway.createAccount("usage-stop"), "sk-or-v1-usage-stop-0001");
            keyId = key.substring(3, 19);
            for (int i = 0; i < 3; i++) {
                assertEquals(200, gateway.post("/v1/chat/completions", key, CHAT).statusCode());
            }
            assertEquals(0, UsageDatabase.rows(keyId).size(), "nothing is written before the interval (an hour here) or the stop");
        }
        assertEquals(3, UsageDatabase.rows(keyId).size());
        assertEquals(21L, UsageDatabase.rows(keyId).stream().mapToLong(row -> (Long) row.get("total_tokens")).sum());
    }

    @Test
    void anOutageWhileRecordingLosesNoRecord(@TempDir Path data) throws Exception {
        try (StoppablePostgres postgres = StoppablePostgres.start(data);
             FakeUpstream openRouter = FakeUpstream.start();
             Gateway gateway = Gateway.start(openRouter.baseUrl(), postgres.settingsWith(Map.of(
                     "keyway.key-cache.max-age", "60s",
                     "keyway.usage.flush-interval", "200ms")))) {
            openRouter.answer("chat/completions", FakeUpstream.json(200, WITH_USAGE));
            String key = gateway.createGatewayKey(gateway.createAccount("usage-outage"), "sk-or-v1-usage-outage-0001");
            for (int i = 0; i < 5; i++) {
                assertEquals(200, gateway.post("/v1/chat/completions", key, CHAT).statusCode());
            }
            Await.until(() -> count(postgres) == 5, Duration.ofSeconds(5), "the records written within a few intervals");

            long failedWritesBefore = failedWritesLogged();
            postgres.stop();
            for (int i = 0; i < 5; i++) {
                // The key is in memory: requests go on while the database is away, and their records wait.
                assertEquals(200, gateway.post("/v1/chat/completions", key, CHAT).statusCode());
            }
            // At least one write tried and failed while the database was away: the records have waited in memory.
            Await.until(() -> failedWritesLogged() > failedWritesBefore, Duration.ofSeconds(10), "a write that failed during the outage");
            postgres.restart();

            Await.value(() -> count(postgres), written -> written == 10, Duration.ofSeconds(15),
                    "every request of the outage recorded once the database returned");
        }
    }

    /** How many times the usage writer has said, in this run's log, that it could not write. */
    private static long failedWritesLogged() {
        try {
            return java.nio.file.Files.readAllLines(io.keyway.bootstrap.support.SecretsNeverLogged.LOG).stream()
                    .filter(line -> line.contains("usage records could not be written")).count();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static long count(StoppablePostgres postgres) {
        try {
            return countOrThrow(postgres);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static long countOrThrow(StoppablePostgres postgres) throws Exception {
        try (Connection connection = postgres.running().getPostgresDatabase().getConnection(); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT count(*), count(DISTINCT id) FROM usage_records")) {
            rows.next();
            assertEquals(rows.getLong(1), rows.getLong(2));
            return rows.getLong(1);
        }
    }
}
