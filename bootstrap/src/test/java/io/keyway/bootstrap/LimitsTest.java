package io.keyway.bootstrap;

import io.keyway.domain.testkit.Await;
import io.keyway.domain.testkit.FakeUpstream;
import io.keyway.domain.testkit.MutableClock;
import io.keyway.testkit.Gateway;
import io.keyway.testkit.KeywayExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Per-key limits over HTTP against PostgreSQL: where they trip, what the answers say, and two instances sharing them. */
class LimitsTest {
    private static final String CHAT = "{\"model\":\"openrouter-a/b\"}";

    /** Time as the gateway reads it: 15 s into a minute, moved by the tests instead of waiting for the wall clock. */
    private static final MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.MINUTES).plusSeconds(15));

    @RegisterExtension
    static final KeywayExtension keyway = KeywayExtension.builder().property("keyway.limits.sync-interval", "200ms").clock(clock).build();

    private final Gateway gateway = keyway.gateway();
    private final FakeUpstream openRouter = keyway.openRouter();
    private final String management = gateway.createAccount("limits-" + System.nanoTime());

    @BeforeEach
    void anUpstreamThatAnswers() {
        openRouter.answer("chat/completions", FakeUpstream.json(200, FakeUpstream.chatCompletion("a/b", "hi")));
    }

    private String keyWithLimits(String limits) {
        HttpResponse<String> created = gateway.post("/v1/keys", management, "{\"name\":\"limited\",\"provider_keys\":{\"openrouter\":"
                + "\"sk-or-v1-limits-" + System.nanoTime() + "\"},\"limits\":" + limits + "}");
        assertEquals(201, created.statusCode(), created.body());
        return Gateway.field(created.body(), "key");
    }

    private static String header(HttpResponse<String> response, String name) {
        return response.headers().firstValue(name).orElse(null);
    }

    /** The clock 15 s into a minute of its own, so that a test's requests all fall in one window. */
    private static void aFreshMinute() {
        clock.set(clock.instant().truncatedTo(ChronoUnit.MINUTES).plusSeconds(75));
    }

    @Test
    void requestsPerMinuteTripAtTheRightRequestWithTheHeadersSdksReadAndResetWithTheMinute() throws Exception {
        aFreshMinute();
        String key = keyWithLimits("{\"requests_per_minute\":3}");
        List<String> remaining = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> admitted = gateway.post("/v1/chat/completions", key, CHAT);
            assertEquals(200, admitted.statusCode(), admitted.body());
            assertEquals("3", header(admitted, "x-ratelimit-limit-requests"));
            remaining.add(header(admitted, "x-ratelimit-remaining-requests"));
            assertEquals("45s", header(admitted, "x-ratelimit-reset-requests"));
        }
        HttpResponse<String> refused = gateway.post("/v1/chat/completions", key, CHAT);

        assertEquals(List.of("2", "1", "0"), remaining);
        Gateway.assertOpenAiError(refused, 429, "rate_limit_exceeded");
        assertEquals("45", header(refused, "Retry-After"), "the seconds to the next minute");
        assertEquals("0", header(refused, "x-ratelimit-remaining-requests"));
        assertEquals(3, openRouter.count("chat/completions"), "the refused request never went upstream");

        clock.advance(Duration.ofSeconds(45));
        HttpResponse<String> nextMinute = gateway.post("/v1/chat/completions", key, CHAT);
        assertEquals(200, nextMinute.statusCode(), "a new minute, a new allowance: " + nextMinute.body());
        assertEquals("2", header(nextMinute, "x-ratelimit-remaining-requests"));
        assertEquals("1m", header(nextMinute, "x-ratelimit-reset-requests"));
    }

    @Test
    void aLimitLoweredMidMinuteAdmitsNoMoreThanTheNewLimit() {
        aFreshMinute();
        String key = keyWithLimits("{\"requests_per_minute\":60}");
        String id = key.substring(3, 19);
        assertEquals(200, gateway.post("/v1/chat/completions", key, CHAT).statusCode());

        HttpResponse<String> lowered = gateway.send("PATCH", "/v1/keys/" + id, management, "{\"limits\":{\"requests_per_minute\":2}}");
        assertEquals(200, lowered.statusCode(), lowered.body());
        HttpResponse<String> second = gateway.post("/v1/chat/completions", key, CHAT);
        HttpResponse<String> third = gateway.post("/v1/chat/completions", key, CHAT);

        assertEquals(200, second.statusCode(), second.body());
        assertEquals("2", header(second, "x-ratelimit-limit-requests"), "the lowered limit is in force at once");
        assertEquals("0", header(second, "x-ratelimit-remaining-requests"));
        Gateway.assertOpenAiError(third, 429, "rate_limit_exceeded");
    }

    @Test
    void tokenAndCostLimitsStopTheNextRequestOnceTheUsageIsKnown() throws Exception {
        String tokens = keyWithLimits("{\"tokens_per_day\":10}");
        String budget = keyWithLimits("{\"cost_per_month\":0.01}");
        openRouter.answer("chat/completions", FakeUpstream.json(200,
                "{\"id\":\"g\",\"choices\":[],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":3,\"total_tokens\":8,\"cost\":0.006}}"));

        HttpResponse<String> first = gateway.post("/v1/chat/completions", tokens, CHAT);
        HttpResponse<String> second = gateway.post("/v1/chat/completions", tokens, CHAT);
        HttpResponse<String> third = gateway.post("/v1/chat/completions", tokens, CHAT);
        HttpResponse<String> spent1 = gateway.post("/v1/chat/completions", budget, CHAT);
        HttpResponse<String> spent2 = gateway.post("/v1/chat/completions", budget, CHAT);
        HttpResponse<String> overBudget = gateway.post("/v1/chat/completions", budget, CHAT);

        assertEquals(List.of(200, 200), List.of(first.statusCode(), second.statusCode()), "8 tokens known, under 10: admitted");
        assertEquals("10", header(first, "x-ratelimit-limit-tokens"));
        assertEquals("10", header(first, "x-ratelimit-remaining-tokens"), "nothing known yet before the first answer");
        assertEquals("2", header(second, "x-ratelimit-remaining-tokens"));
        Gateway.assertOpenAiError(third, 429, "rate_limit_exceeded");
        assertTrue(third.body().contains("tokens"), third.body());
        assertEquals(List.of(200, 200), List.of(spent1.statusCode(), spent2.statusCode()));
        Gateway.assertOpenAiError(overBudget, 429, "budget_exceeded");
        assertTrue(Long.parseLong(header(overBudget, "Retry-After")) > 0);
        assertEquals("0.01", header(spent1, "x-keyway-budget-limit"));
    }

    @Test
    void aStreamLeftBeforeItsUsageEventIsChargedAnEstimate() throws Exception {
        String tokens = keyWithLimits("{\"tokens_per_day\":20}");
        openRouter.answer("chat/completions", FakeUpstream.streamThenSilence("data: {\"choices\":[{\"delta\":{\"content\":\"hi\"}}]}\n\n",
                Duration.ofSeconds(2)));
        // 100 bytes of body (25 tokens by the estimate), and the client leaves after the first event.
        String body = "{\"model\":\"openrouter-a/b\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"" + "x".repeat(18) + "\"}]}";
        assertEquals(100, body.length());
        java.net.http.HttpRequest request = java.net.http.HttpRequest.newBuilder(gateway.uri("/v1/chat/completions"))
                .header("Authorization", "Bearer " + tokens).header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build();
        HttpResponse<java.io.InputStream> open = gateway.http().send(request, HttpResponse.BodyHandlers.ofInputStream());
        try (java.io.InputStream events = open.body()) {
            assertEquals(200, open.statusCode());
            assertTrue(events.read() >= 0, "the first event arrived");
        }
        openRouter.answer("chat/completions", FakeUpstream.json(200, FakeUpstream.chatCompletion("a/b", "hi")));
        Await.until(() -> gateway.post("/v1/chat/completions", tokens, CHAT).statusCode() == 429, Duration.ofSeconds(5),
                "the estimate (26 tokens) is charged against the 20 a day: leaving early does not escape the limit");
    }

    @Test
    @SuppressWarnings("unchecked")
    void limitsAreSetChangedAndRemovedAndShownWithTheKey() throws Exception {
        String key = keyWithLimits("{\"requests_per_minute\":100}");
        String id = key.substring(3, 19);

        HttpResponse<String> patched = gateway.send("PATCH", "/v1/keys/" + id, management,
                "{\"limits\":{\"tokens_per_day\":5000,\"cost_per_month\":12.5}}");
        HttpResponse<String> removed = gateway.send("PATCH", "/v1/keys/" + id, management, "{\"limits\":{\"requests_per_minute\":null}}");
        HttpResponse<String> own = gateway.get("/v1/key", key);
        HttpResponse<String> listed = gateway.get("/v1/keys", management);

        assertEquals(200, patched.statusCode(), patched.body());
        assertTrue(patched.body().contains("\"limits\":{\"requests_per_minute\":100,\"tokens_per_day\":5000,\"cost_per_month\":12.5}"), patched.body());
        assertTrue(removed.body().contains("\"limits\":{\"requests_per_minute\":null,\"tokens_per_day\":5000,\"cost_per_month\":12.5}"), removed.body());
        assertTrue(own.body().contains("\"tokens_per_day\":5000"), own.body());
        assertTrue(listed.body().contains("\"tokens_per_day\":5000"), listed.body());
        HttpResponse<String> called = gateway.post("/v1/chat/completions", key, CHAT);
        assertEquals(null, header(called, "x-ratelimit-limit-requests"), "the request limit is gone");
        assertEquals("5000", header(called, "x-ratelimit-limit-tokens"));

        for (String[] bad : new String[][]{{"{\"limits\":{\"requests_per_minute\":0}}", "limits.requests_per_minute"},
                {"{\"limits\":{\"tokens_per_day\":1.5}}", "limits.tokens_per_day"}, {"{\"limits\":{\"cost_per_month\":\"ten\"}}", "limits.cost_per_month"},
                {"{\"limits\":{\"per_hour\":3}}", "limits"}, {"{\"limits\":7}", "limits"}, {"{}", "limits"}}) {
            HttpResponse<String> refused = gateway.send("PATCH", "/v1/keys/" + id, management, bad[0]);
            Gateway.assertOpenAiError(refused, 400, "invalid_request");
            assertEquals(bad[1], Gateway.field(refused.body(), "param"), bad[0]);
        }
        Gateway.assertOpenAiError(gateway.send("PATCH", "/v1/keys/" + id, gateway.createAccount("other"), "{\"limits\":{}}"), 404, "not_found");
        Gateway.assertOpenAiError(gateway.send("PATCH", "/v1/keys/" + id, key, "{\"limits\":{}}"), 403, "wrong_key_kind");
        HttpResponse<String> badAtCreation = gateway.post("/v1/keys", management, "{\"name\":\"x\",\"limits\":{\"requests_per_minute\":-1}}");
        Gateway.assertOpenAiError(badAtCreation, 400, "invalid_request");
        assertEquals("limits.requests_per_minute", Gateway.field(badAtCreation.body(), "param"));
    }

    @Test
    void twoInstancesShareOneLimit() throws Exception {
        aFreshMinute();
        String key = keyWithLimits("{\"requests_per_minute\":10,\"tokens_per_day\":100}");
        try (Gateway other = Gateway.start(openRouter.baseUrl(), Map.of("keyway.limits.sync-interval", "200ms"), clock)) {
            ExecutorService clients = Executors.newFixedThreadPool(8);
            List<Future<Integer>> statuses = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                Gateway instance = i % 2 == 0 ? gateway : other;
                statuses.add(clients.submit(() -> instance.post("/v1/chat/completions", key, CHAT).statusCode()));
            }
            int admitted = 0;
            for (Future<Integer> status : statuses) {
                int code = status.get();
                assertTrue(code == 200 || code == 429, "status " + code);
                admitted += code == 200 ? 1 : 0;
            }
            clients.shutdown();
            // Requests are leased from the shared row in blocks of one here (a twentieth of 10): never more than the limit.
            assertEquals(10, admitted, "requests admitted by two instances against a limit of 10 a minute");
        }

        String tokens = keyWithLimits("{\"tokens_per_day\":100}");
        openRouter.answer("chat/completions", FakeUpstream.json(200,
                "{\"id\":\"g\",\"choices\":[],\"usage\":{\"prompt_tokens\":30,\"completion_tokens\":30,\"total_tokens\":60}}"));
        try (Gateway other = Gateway.start(openRouter.baseUrl(), Map.of("keyway.limits.sync-interval", "200ms"), clock)) {
            assertEquals(200, gateway.post("/v1/chat/completions", tokens, CHAT).statusCode());
            assertEquals(200, other.post("/v1/chat/completions", tokens, CHAT).statusCode());
            // 120 tokens known by both once each has shared its 60 (within one sync interval): both refuse.
            for (Gateway instance : List.of(gateway, other)) {
                Gateway.assertOpenAiError(Await.value(() -> instance.post("/v1/chat/completions", tokens, CHAT),
                        answer -> answer.statusCode() != 200, Duration.ofSeconds(5), "the other instance's tokens shared"), 429, "rate_limit_exceeded");
            }
            assertEquals(Optional.of("0"), other.post("/v1/chat/completions", tokens, CHAT).headers().firstValue("x-ratelimit-remaining-tokens"));
        }
    }
}
