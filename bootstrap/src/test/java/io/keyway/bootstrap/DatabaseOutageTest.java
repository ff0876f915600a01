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
 * PostgreSQL goes away under a running Keyway and comes back: keys already in memory keep working (up to their maximum
 * age), everything else answers 503 database_unavailable at once, and all succeeds again soon after the database
 * returns, without a restart. Keyway runs on a PostgreSQL of this test's own, which it stops and starts.
 */
class DatabaseOutageTest {
    private static final String CHAT = "{\"model\":\"openrouter-a/b\",\"messages\":[]}";

    @Test
    void cachedKeysKeepWorkingOthersAre503AndEverythingRecoversWithoutARestart(@TempDir Path data) throws Exception {
        try (StoppablePostgres postgres = StoppablePostgres.start(data);
             FakeUpstream openRouter = FakeUpstream.start();
             Gateway gateway = Gateway.start(openRouter.baseUrl(), postgres.settingsWith(Map.of(
                     "keyway.key-cache.max-age", "30s")))) {
            openRouter.answer("chat/completions", FakeUpstream.json(200, FakeUpstream.chatCompletion("a/b", "hi")));
            String management = gateway.createAccount("outage");
            String inMemory = gateway.createGatewayKey(management, "sk-or-v1-outage-cached-0001");
            String notInMemory = gateway.createGatewayKey(management, "sk-or-v1-outage-uncached-0002");
            assertEquals(200, gateway.post("/v1/chat/completions", inMemory, CHAT).statusCode());
            assertEquals(200, gateway.post("/v1/chat/completions", inMemory, CHAT).statusCode());
            assertEquals(200, gateway.get("/health/readiness", null).statusCode());

            // Load through the outage and the return: two clients, one key in memory and one not. It starts once the
            // database is gone, so that the key not in memory cannot be loaded into it just before.
            Load load = new Load(gateway, inMemory, notInMemory);
            postgres.stop();
            load.start();

            HttpResponse<String> notReady = gateway.get("/health/readiness", null);
            System.out.println("readiness while down: " + notReady.statusCode() + " " + notReady.body());
            assertEquals(503, notReady.statusCode(), notReady.body());
            assertEquals(200, gateway.get("/health/liveness", null).statusCode(), "liveness must not follow the database");

            assertEquals(200, gateway.post("/v1/chat/completions", inMemory, CHAT).statusCode(), "a key in memory stopped working");
            long started = System.nanoTime();
            HttpResponse<String> refused = gateway.post("/v1/chat/completions", notInMemory, CHAT);
            long tookMillis = (System.nanoTime() - started) / 1_000_000;
            assertEquals(503, refused.statusCode(), refused.body());
            assertEquals("database_unavailable", field(refused.body(), "code"));
            assertTrue(refused.headers().firstValue("Retry-After").isPresent());
            assertTrue(tookMillis < 1500, "the refusal took " + tookMillis + " ms");
            assertEquals(503, gateway.get("/v1/keys", management).statusCode());
            assertTrue(!refused.body().contains("Exception") && !refused.body().contains("at io."), refused.body());

            postgres.restart();

            Duration recovered = Await.until(() -> gateway.post("/v1/chat/completions", notInMemory, CHAT).statusCode() == 200,
                    Duration.ofSeconds(5), "requests succeed again after the database returned");
            System.out.println("recovered " + recovered.toMillis() + " ms after the database returned");
            assertEquals(200, gateway.get("/v1/keys", management).statusCode());
            Await.until(() -> gateway.get("/health/readiness", null).statusCode() == 200, Duration.ofSeconds(5),
                    "readiness is back once the database is");
            load.stop();
            System.out.println("under load through the outage: " + load.statuses + ", slowest " + load.slowestMillis.get() + " ms; key in memory: " + load.inMemoryStatuses);
            assertTrue(Set.of(200, 503).containsAll(load.statuses.keySet()), "unexpected answers under load: " + load.statuses);
            assertTrue(load.statuses.getOrDefault(503, 0) > 0 && load.statuses.getOrDefault(200, 0) > 0, String.valueOf(load.statuses));
            assertTrue(load.slowestMillis.get() < 3000, "a request hung for " + load.slowestMillis.get() + " ms");
        }
    }

    /** Clients calling through Keyway without pause, counting answers by status and keeping the slowest time. */
    private static final class Load {
        final Map<Integer, Integer> statuses = new ConcurrentHashMap<>();
        final Map<Integer, Integer> inMemoryStatuses = new ConcurrentHashMap<>();
        final AtomicLong slowestMillis = new AtomicLong();
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
                        if (first) {
                            inMemoryStatuses.merge(status, 1, Integer::sum);
                        }
                    }
                }));
            }
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
