package io.keyway.bootstrap;

import io.keyway.bootstrap.support.StoppablePostgres;
import io.keyway.domain.testkit.Await;
import io.keyway.domain.testkit.FakeUpstream;
import io.keyway.testkit.Gateway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import static io.keyway.testkit.Gateway.field;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * PostgreSQL goes away under a running Keyway and comes back: keys used before keep working through the whole outage
 * (longer than the key cache's maximum age: keyway.keys.outage-grace), keys never seen answer 503 database_unavailable
 * within a second, and every request succeeds within a second of the database's return, without a restart. Keyway runs
 * on a PostgreSQL of this test's own, which it stops and starts. {@code -Dtest.outage.seconds=30} makes the outage
 * that of the target (8 s by default, to keep the build short).
 */
class DatabaseOutageTest {
    private static final String CHAT = "{\"model\":\"openrouter-a/b\",\"messages\":[]}";
    private static final int OUTAGE_SECONDS = Integer.getInteger("test.outage.seconds", 8);

    @Test
    void keysUsedBeforeKeepWorkingOthersAre503AndEverythingRecoversWithinASecond(@TempDir Path data) throws Exception {
        try (StoppablePostgres postgres = StoppablePostgres.start(data);
             FakeUpstream openRouter = FakeUpstream.start();
             Gateway gateway = Gateway.start(openRouter.baseUrl(), postgres.settingsWith(Map.of()))) {
            openRouter.answer("chat/completions", FakeUpstream.json(200, FakeUpstream.chatCompletion("a/b", "hi")));
            String management = gateway.createAccount("outage");
            String inMemory = gateway.createGatewayKey(management, "sk-or-v1-outage-cached-0001");
            String notInMemory = gateway.createGatewayKey(management, "sk-or-v1-outage-uncached-0002");
            assertEquals(200, gateway.post("/v1/chat/completions", inMemory, CHAT).statusCode());
            assertEquals(200, gateway.post("/v1/chat/completions", inMemory, CHAT).statusCode());
            assertEquals(200, gateway.get("/health/readiness", null).statusCode());

            // Load through the outage and the return: two clients, one key used before and one not. It starts once the
            // database is gone, so that the key not used before cannot be read into memory just before.
            Load load = new Load(gateway, inMemory, notInMemory);
            postgres.stop();
            long outageStarted = System.nanoTime();
            load.start();

            HttpResponse<String> notReady = gateway.get("/health/readiness", null);
            System.out.println("readiness while down: " + notReady.statusCode() + " " + notReady.body());
            assertEquals(503, notReady.statusCode(), notReady.body());
            assertEquals(200, gateway.get("/health/liveness", null).statusCode(), "liveness must not follow the database");

            assertEquals(200, gateway.post("/v1/chat/completions", inMemory, CHAT).statusCode(), "a key used before stopped working");
            long started = System.nanoTime();
            HttpResponse<String> refused = gateway.post("/v1/chat/completions", notInMemory, CHAT);
            long tookMillis = (System.nanoTime() - started) / 1_000_000;
            assertEquals(503, refused.statusCode(), refused.body());
            assertEquals("database_unavailable", field(refused.body(), "code"));
            assertTrue(refused.headers().firstValue("Retry-After").isPresent());
            assertTrue(tookMillis < 1000, "the refusal took " + tookMillis + " ms");
            assertEquals(503, gateway.get("/v1/keys", management).statusCode());
            assertTrue(!refused.body().contains("Exception") && !refused.body().contains("at io."), refused.body());

            Thread.sleep(Math.max(0, OUTAGE_SECONDS * 1000L - (System.nanoTime() - outageStarted) / 1_000_000));
            assertEquals(200, gateway.post("/v1/chat/completions", inMemory, CHAT).statusCode(),
                    "a key used before the outage, " + OUTAGE_SECONDS + " s into it (past the 5 s maximum age)");
            postgres.restart();
            long back = System.nanoTime();
            load.sinceReturn(back);

            Duration recovered = Await.until(() -> gateway.post("/v1/chat/completions", notInMemory, CHAT).statusCode() == 200,
                    Duration.ofSeconds(5), "requests succeed again after the database returned");
            System.out.println("recovered " + recovered.toMillis() + " ms after the database returned");
            assertEquals(200, gateway.get("/v1/keys", management).statusCode());
            Await.until(() -> gateway.get("/health/readiness", null).statusCode() == 200, Duration.ofSeconds(5),
                    "readiness is back once the database is");
            Thread.sleep(1500);
            load.stop();
            System.out.println("under load through a " + OUTAGE_SECONDS + " s outage: " + load.statuses + ", slowest "
                    + load.slowestMillis.get() + " ms; key used before: " + load.inMemoryStatuses
                    + "; last failure " + load.lastFailureAfterReturnMillis() + " ms after the return");
            assertEquals(Set.of(200), load.inMemoryStatuses.keySet(), "a key used before failed during the outage: " + load.inMemoryStatuses);
            assertTrue(Set.of(200, 503).containsAll(load.statuses.keySet()), "unexpected answers under load: " + load.statuses);
            assertTrue(load.statuses.getOrDefault(503, 0) > 0, "the key never seen was refused: " + load.statuses);
            assertTrue(load.slowestMillis.get() < 1500, "a request hung for " + load.slowestMillis.get() + " ms");
            assertTrue(load.lastFailureAfterReturnMillis() < 1000,
                    "a request failed " + load.lastFailureAfterReturnMillis() + " ms after the database returned");
        }
    }

    /** Clients calling through Keyway without pause, counting answers by status and keeping the slowest time. */
    private static final class Load {
        final Map<Integer, Integer> statuses = new ConcurrentHashMap<>();
        final Map<Integer, Integer> inMemoryStatuses = new ConcurrentHashMap<>();
        final AtomicLong slowestMillis = new AtomicLong();
        private final AtomicLong lastFailureAt = new AtomicLong(Long.MIN_VALUE);
        private volatile long returnedAt = Long.MAX_VALUE;
        private final List<Thread> clients = new ArrayList<>();
        private volatile boolean running = true;

        Load(Gateway gateway, String... keys) {
            for (String key : keys) {
                boolean first = key.equals(keys[0]);
                clients.add(new Thread(() -> {
                    while (running) {
                        long started = System.nanoTime();
                        int status = gateway.post("/v1/chat/completions", key, CHAT).statusCode();
                        slowestMillis.accumulateAndGet((System.nanoTime() - started) / 1_000_000, Math::max);
                        statuses.merge(status, 1, Integer::sum);
                        if (status != 200) {
                            lastFailureAt.accumulateAndGet(started, Math::max);
                        }
                        if (first) {
                            inMemoryStatuses.merge(status, 1, Integer::sum);
                        }
                    }
                }));
            }
        }

        void sinceReturn(long nanos) {
            returnedAt = nanos;
        }

        /** When the last failed request was sent, after the database returned (negative: before). */
        long lastFailureAfterReturnMillis() {
            long last = lastFailureAt.get();
            return last == Long.MIN_VALUE ? -1 : (last - returnedAt) / 1_000_000;
        }

        void start() {
            clients.forEach(Thread::start);
        }

        void stop() throws InterruptedException {
            running = false;
            for (Thread client : clients) {
                client.join(10_000);
            }
        }
    }
}
