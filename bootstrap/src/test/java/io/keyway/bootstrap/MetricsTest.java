package io.keyway.bootstrap;

import io.keyway.domain.testkit.FakeUpstream;
import io.keyway.testkit.Gateway;
import io.keyway.testkit.KeywayExtension;
import io.keyway.testkit.SecretLedger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Prometheus scrape: Keyway's meters are there, move with traffic, and carry no secret and no unbounded label. */
class MetricsTest {
    @RegisterExtension
    static final KeywayExtension keyway = KeywayExtension.standard();

    private static double value(String scrape, String series) {
        Matcher matcher = Pattern.compile("(?m)^" + Pattern.quote(series) + " ([0-9.eE+-]+)$").matcher(scrape);
        if (!matcher.find()) {
            throw new AssertionError("no series " + series + " in the scrape:\n"
                    + scrape.lines().filter(line -> line.startsWith("keyway_")).limit(60).reduce("", (a, b) -> a + b + "\n"));
        }
        return Double.parseDouble(matcher.group(1));
    }

    private String scrape() {
        HttpResponse<String> scraped = keyway.gateway().get("/prometheus", null);
        assertEquals(200, scraped.statusCode(), scraped.body());
        return scraped.body();
    }

    @Test
    void keywaysMetersMoveWithTrafficAndHoldNoSecret() {
        Gateway gateway = keyway.gateway();
        FakeUpstream openRouter = keyway.openRouter();
        String management = gateway.createAccount("metered");
        String openRouterKey = SecretLedger.record("sk-or-v1-metered-" + UUID.randomUUID());
        String key = gateway.createGatewayKey(management, openRouterKey);
        openRouter.answer("chat/completions", FakeUpstream.json(200, FakeUpstream.chatCompletion("a/b", "hi")));
        for (int i = 0; i < 3; i++) {
            assertEquals(200, gateway.post("/v1/chat/completions", key, "{\"model\":\"openrouter-a/b\"}").statusCode());
        }
        String before = scrape();

        assertEquals(200, gateway.post("/v1/chat/completions", key, "{\"model\":\"openrouter-a/b\"}").statusCode());
        openRouter.answer("chat/completions", FakeUpstream.eventStream(List.of("data: {\"n\":1}\n\n", "data: [DONE]\n\n"), Duration.ofMillis(10)));
        assertEquals(200, gateway.post("/v1/chat/completions", key, "{\"model\":\"openrouter-a/b\",\"stream\":true}").statusCode());
        assertEquals(401, gateway.post("/v1/chat/completions", key.substring(0, 20) + "B".repeat(43) + "00000000", "{\"model\":\"x\"}").statusCode());
        assertEquals(404, gateway.post("/v1/chat/completions", key, "{\"model\":\"nobody-serves-this\"}").statusCode());
        String after = scrape();

        String chat200 = "keyway_requests_seconds_count{endpoint=\"/v1/chat/completions\",status=\"2xx\",upstream=\"openrouter\"}";
        assertEquals(value(before, chat200) + 2, value(after, chat200), "two more routed requests answered 200");
        assertTrue(value(after, "keyway_requests_seconds_count{endpoint=\"/v1/chat/completions\",status=\"4xx\",upstream=\"none\"}") >= 2, after.lines().filter(l -> l.startsWith("keyway_requests_seconds_count")).toList().toString());
        assertTrue(value(after, "keyway_upstream_latency_seconds_count{status=\"2xx\",upstream=\"openrouter\"}") >= 5);
        assertEquals(1, value(after, "keyway_stream_first_event_seconds_count{upstream=\"openrouter\"}"));
        assertEquals(0, value(after, "keyway_streams_open"));
        assertTrue(value(after, "keyway_auth_failures_total") >= 1);
        assertTrue(value(after, "keyway_key_cache_hits_total") > value(before, "keyway_key_cache_hits_total"));
        assertEquals(1, value(after, "keyway_key_cache_trusted"));
        assertTrue(after.contains("jvm_memory_used_bytes"), "JVM meters");
        assertTrue(after.contains("hikaricp_connections"), "connection pool meters");
        assertTrue(after.contains("keyway_requests_seconds_bucket{"), "a latency histogram");
        // The framework's own meters that application.yml turns off: per-URI request meters (unbounded labels), and the
        // executor and Netty binders, which wrap every task of the event loop (a cost on every request).
        assertFalse(after.contains("http_server_requests"), "the framework's per-URI request meters are off");
        assertFalse(after.contains("\nexecutor_"), "the executor meters are off");
        assertFalse(after.contains("\nnetty_"), "the Netty meters are off");

        for (String secret : List.of(key, management, openRouterKey, gateway.adminToken(), key.substring(3, 19))) {
            assertFalse(after.contains(secret), "the scrape holds a key or a key id");
        }
        assertFalse(after.contains("a/b") || after.contains("nobody-serves-this"), "a model name became a label");
    }
}
