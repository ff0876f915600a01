package io.keyway.bootstrap;

import io.keyway.domain.testkit.Await;
import io.keyway.domain.testkit.FakeUpstream;
import io.keyway.testkit.Gateway;
import io.keyway.testkit.KeywayExtension;
import io.keyway.testkit.SecretLedger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The smart router end to end, with several fake upstreams on loopback: a model served by three upstreams, a
 * configured group with weights and a fallback, cooldowns, the retry budget, and a request's own fallbacks across
 * providers with the caller's key for each.
 */
class RouterTest {
    private static final FakeUpstream anthropic = FakeUpstream.start();

    @RegisterExtension
    static final KeywayExtension keyway = KeywayExtension.builder()
            .operatorUpstream("a", "shared", "m-a")
            .operatorUpstream("b", "shared", "m-b")
            .operatorUpstream("c", "shared")
            .property("keyway.models.smart.deployments", List.of(
                    Map.of("upstream", "a", "model", "m-a", "weight", 3),
                    Map.of("upstream", "b", "model", "m-b", "weight", 1)))
            .property("keyway.models.smart.aliases", List.of("clever"))
            .property("keyway.models.lonely.deployments", List.of(Map.of("upstream", "c", "model", "m-c")))
            .property("keyway.models.lonely.fallbacks", List.of("m-b"))
            .property("keyway.providers.anthropic.base-url", anthropic.baseUrl())
            .property("keyway.providers.anthropic.check-keys", false)
            .property("keyway.upstreams.c.idle-timeout", "500ms")
            .property("keyway.usage.flush-interval", "100ms")
            .property("keyway.models.checked.deployments", List.of(Map.of("upstream", "a", "model", "m-a"), Map.of("upstream", "b", "model", "m-b")))
            .property("keyway.models.checked.health-check", "1s")
            .build();

    private Gateway gateway;
    private String key;

    @BeforeEach
    void answerEverywhere() {
        gateway = keyway.gateway();
        key = keyway.gatewayKey();
        anthropic.reset();
        for (String name : List.of("a", "b", "c")) {
            keyway.upstream(name).answer("chat/completions", FakeUpstream.json(200, FakeUpstream.chatCompletion("from-" + name, "hi from " + name)));
        }
    }

    @AfterAll
    static void stopFake() {
        anthropic.close();
    }

    private HttpResponse<String> chat(String model) {
        return gateway.post("/v1/chat/completions", key, "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
    }

    private static long calls(FakeUpstream fake) {
        return fake.count("chat/completions");
    }

    @Test
    void oneOfThreeAnswering503IsFailedOverAndLeftAloneWhileItCoolsThenProbedBackIn() {
        FakeUpstream a = keyway.upstream("a");
        a.answer("chat/completions", FakeUpstream.json(503, "{\"error\":{\"message\":\"overloaded\"}}"));

        for (int i = 0; i < 60; i++) {
            HttpResponse<String> answer = chat("shared");
            assertEquals(200, answer.statusCode(), answer.body());
            String from = answer.headers().firstValue("x-keyway-upstream").orElse("");
            assertTrue(from.equals("b") || from.equals("c"), "answered by " + from);
        }
        long failedOnA = calls(a);
        assertTrue(failedOnA >= 3 && failedOnA <= 5, "a got " + failedOnA + " of 60 requests: it should cool after 3 failures in a row");
        assertTrue(calls(keyway.upstream("b")) > 15 && calls(keyway.upstream("c")) > 15, "b and c share the load");
        HttpResponse<String> routing = gateway.get("/admin/routing", gateway.adminToken());
        assertEquals(200, routing.statusCode(), routing.body());
        String shared = routing.body().substring(routing.body().indexOf("{\"model\":\"shared\""));
        assertTrue(shared.matches("(?s).*\\{\"name\":\"a\",\"upstream\":\"a\",\"model\":\"shared\",\"weight\":1,\"priority\":0,"
                + "\"state\":\"cooling\",\"cooling_until\":\\d+,.*"), "a shows as cooling: " + routing.body());
        assertEquals(401, gateway.get("/admin/routing", key).statusCode(), "a gateway key reads the routing state");
        String scrape = gateway.get("/prometheus", null).body();
        assertTrue(scrape.contains("keyway_routing_cooling{deployment=\"a\",group=\"shared\"} 1.0"), scrape.lines()
                .filter(line -> line.startsWith("keyway_routing")).toList().toString());
        assertTrue(scrape.matches("(?s).*keyway_routing_outcomes_total\\{deployment=\"a\",group=\"shared\",outcome=\"failed\"} [3-5]\\.0.*"),
                scrape.lines().filter(line -> line.startsWith("keyway_routing_outcomes")).toList().toString());

        a.answer("chat/completions", FakeUpstream.json(200, FakeUpstream.chatCompletion("from-a", "hi from a")));
        Await.until(() -> {
            chat("shared");
            return calls(a) > failedOnA;
        }, Duration.ofSeconds(8), "the mended deployment was probed after its cooldown");
        for (int i = 0; i < 60; i++) {
            assertEquals(200, chat("shared").statusCode());
        }
        assertTrue(calls(a) > failedOnA + 10, "after one successful probe it takes its share again: " + calls(a));
    }

    @Test
    void anActiveHealthCheckEndsACooldownAsSoonAsTheModelsListAnswers() {
        FakeUpstream a = keyway.upstream("a");
        a.answer("chat/completions", FakeUpstream.json(503, "{\"error\":{\"message\":\"overloaded\"}}"));
        a.answer("models", FakeUpstream.json(503, "{\"error\":{\"message\":\"overloaded\"}}"));
        while (calls(a) < 3) {
            assertEquals(200, chat("checked").statusCode());
        }
        assertTrue(gateway.get("/admin/routing", gateway.adminToken()).body().contains("\"state\":\"cooling\""));
        long cooledAt = System.nanoTime();
        a.answer("chat/completions", FakeUpstream.json(200, FakeUpstream.chatCompletion("from-a", "hi from a")));
        a.answer("models", FakeUpstream.json(200, "{\"data\":[{\"id\":\"m-a\"}]}"));

        Await.until(() -> {
            chat("checked");
            return calls(a) > 3;
        }, Duration.ofSeconds(4), "the deployment took requests again once its models list answered");
        assertTrue(System.nanoTime() - cooledAt < Duration.ofMillis(4500).toNanos(), "back before its 5 s cooldown ended");
        assertTrue(a.count("models") >= 1);
    }

    @Test
    void aFailoverSaysWhereTheAnswerCameFromAndHowManyAttemptsItTook() {
        keyway.upstream("c").answer("chat/completions", FakeUpstream.json(500, "{\"error\":{\"message\":\"boom\"}}"));

        HttpResponse<String> answer = chat("lonely");

        assertEquals(200, answer.statusCode(), answer.body());
        assertEquals("b", answer.headers().firstValue("x-keyway-upstream").orElseThrow());
        assertEquals("2", answer.headers().firstValue("x-keyway-attempts").orElseThrow());
        assertTrue(answer.body().contains("\"model\":\"from-b\""), "the answering model stays in the body: " + answer.body());
        assertEquals(1, calls(keyway.upstream("c")));
        assertTrue(keyway.upstream("b").last().bodyText().contains("\"model\":\"m-b\""), keyway.upstream("b").last().bodyText());
        Await.until(() -> UsageDatabase.rows(key.substring(3, 19)).stream()
                        .anyMatch(row -> "b".equals(row.get("deployment")) && Integer.valueOf(2).equals(row.get("attempts"))
                                && "b".equals(row.get("upstream"))),
                Duration.ofSeconds(5), "a usage record naming the deployment that answered and the 2 attempts");
    }

    @Test
    void aStreamThatFailsBeforeItsFirstDataEventIsAnsweredByTheNextDeploymentAsOneCleanStream() {
        keyway.upstream("c").answer("chat/completions", FakeUpstream.eventStream(List.of(": PROCESSING\n\n",
                "data: {\"error\":{\"message\":\"Provider returned error\",\"code\":502}}\n\n"), Duration.ofMillis(5)));
        List<String> fromB = FakeUpstream.chatStream("m-b", List.of("Hel", "lo"));
        keyway.upstream("b").answer("chat/completions", FakeUpstream.eventStream(fromB, Duration.ofMillis(5)));

        HttpResponse<String> answer = gateway.post("/v1/chat/completions", key,
                "{\"model\":\"lonely\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

        assertEquals(200, answer.statusCode(), answer.body());
        assertEquals(String.join("", fromB), answer.body(), "the client sees b's stream byte for byte and nothing of c's");
        assertEquals("b", answer.headers().firstValue("x-keyway-upstream").orElseThrow());
        assertEquals(1, calls(keyway.upstream("c")));
    }

    @Test
    void aStreamThatBeganIsNeverSwitchedItsCutEndsWithAnErrorEventAndNoDone() throws Exception {
        keyway.upstream("c").answer("chat/completions", FakeUpstream.streamThenSilence(
                "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hal\"}}]}\n\n", Duration.ofSeconds(3)));

        java.net.http.HttpRequest request = java.net.http.HttpRequest.newBuilder(gateway.uri("/v1/chat/completions"))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                        "{\"model\":\"lonely\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")).build();
        HttpResponse<java.io.InputStream> answer = gateway.http().send(request, HttpResponse.BodyHandlers.ofInputStream());
        java.io.ByteArrayOutputStream read = new java.io.ByteArrayOutputStream();
        try (java.io.InputStream in = answer.body()) {
            in.transferTo(read);
        } catch (java.io.IOException cut) {
            // The transfer is cut after the error event, so that no client takes the stream for finished.
        }
        String body = read.toString(java.nio.charset.StandardCharsets.UTF_8);

        assertEquals(200, answer.statusCode());
        assertTrue(body.startsWith("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hal\"}}]}\n\n"), body);
        assertTrue(body.contains("\"error\""), "an error event ends the cut stream: " + body);
        assertFalse(body.contains("[DONE]"), body);
        assertEquals(0, calls(keyway.upstream("b")), "a stream that began was switched to another deployment");
    }

    @Test
    void a429WithRetryAfterKeepsEveryRequestAwayFromThatDeploymentForThatLong() throws Exception {
        FakeUpstream a = keyway.upstream("a");
        a.answer("chat/completions", FakeUpstream.json(429, "{\"error\":{\"message\":\"slow down\"}}", Map.of("Retry-After", "2")));
        long started = System.nanoTime();
        // Weighted 3:1 towards a: the first request reaching a is rate-limited and answered by b.
        while (calls(a) == 0) {
            assertEquals(200, chat("smart").statusCode());
        }
        long limitedAt = System.nanoTime();
        a.answer("chat/completions", FakeUpstream.json(200, FakeUpstream.chatCompletion("from-a", "hi from a")));

        while (System.nanoTime() - limitedAt < Duration.ofMillis(1800).toNanos()) {
            HttpResponse<String> answer = chat("clever");
            assertEquals(200, answer.statusCode());
            assertEquals("b", answer.headers().firstValue("x-keyway-upstream").orElseThrow());
            Thread.sleep(20);
        }
        assertEquals(1, calls(a), "a request reached the rate-limited deployment within its Retry-After");
        Await.until(() -> {
            chat("smart");
            return calls(a) > 1;
        }, Duration.ofSeconds(3), "the deployment takes requests again after its Retry-After");
        assertTrue(System.nanoTime() - started < Duration.ofSeconds(10).toNanos());
    }

    @Test
    void everyDeploymentCoolingIsRefusedAtOnceWithRetryAfterAndNoUpstreamCall() {
        for (String name : List.of("a", "b", "c")) {
            keyway.upstream(name).answer("chat/completions", FakeUpstream.json(429, "{\"error\":{\"message\":\"no\"}}", Map.of("Retry-After", "30")));
        }
        HttpResponse<String> first = chat("shared");
        assertEquals(429, first.statusCode(), "the last deployment's own answer, when all three were rate-limited: " + first.body());
        long before = calls(keyway.upstream("a")) + calls(keyway.upstream("b")) + calls(keyway.upstream("c"));
        assertEquals(3, before);

        chat("shared");
        long started = System.nanoTime();
        HttpResponse<String> refused = chat("shared");
        long millis = (System.nanoTime() - started) / 1_000_000;

        Gateway.assertOpenAiError(refused, 503, "upstreams_cooling_down");
        long retryAfter = Long.parseLong(refused.headers().firstValue("Retry-After").orElseThrow());
        assertTrue(retryAfter >= 28 && retryAfter <= 30, "Retry-After " + retryAfter);
        assertTrue(millis < 50, "refused in " + millis + " ms");
        assertEquals(before, calls(keyway.upstream("a")) + calls(keyway.upstream("b")) + calls(keyway.upstream("c")), "an upstream was called");
    }

    @Test
    void anUpstreamAnsweringFiveHundredToEverythingGetsAtMostAQuarterMoreThanItsClientsSend() {
        keyway.upstream("c").answer("chat/completions", FakeUpstream.json(500, "{\"error\":{\"message\":\"down\"}}"));
        keyway.upstream("b").answer("chat/completions", FakeUpstream.json(500, "{\"error\":{\"message\":\"down\"}}"));
        int requests = 300;
        for (int i = 0; i < requests; i++) {
            HttpResponse<String> answer = chat("lonely");
            assertTrue(answer.statusCode() == 500 || answer.statusCode() == 503, answer.statusCode() + " " + answer.body());
        }
        long attempts = calls(keyway.upstream("c")) + calls(keyway.upstream("b"));
        assertTrue(attempts <= 1.25 * requests, attempts + " upstream attempts for " + requests + " requests");
    }

    @Test
    void aRequestsOwnFallbacksGoToAnotherProviderWithTheCallersKeyForEachAndNeverUpstream() {
        String anthropicKey = SecretLedger.record("sk-ant-api03-router-" + UUID.randomUUID());
        String openRouterKey = SecretLedger.record("sk-or-v1-router-" + UUID.randomUUID());
        HttpResponse<String> created = gateway.post("/v1/keys", keyway.managementKey(), "{\"name\":\"both\",\"provider_keys\":{\"anthropic\":\""
                + anthropicKey + "\",\"openrouter\":\"" + openRouterKey + "\"}}");
        assertEquals(201, created.statusCode(), created.body());
        String both = SecretLedger.record(Gateway.field(created.body(), "key"));
        anthropic.answer("messages", FakeUpstream.json(401, "{\"type\":\"error\",\"error\":{\"type\":\"authentication_error\",\"message\":\"invalid x-api-key\"}}"));
        keyway.openRouter().answer("chat/completions", FakeUpstream.json(200, FakeUpstream.chatCompletion("meta/llama", "from openrouter")));

        HttpResponse<String> answer = gateway.post("/v1/chat/completions", both,
                "{\"model\":\"anthropic-claude-x\",\"fallbacks\":[\"openrouter-meta/llama\"],\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

        assertEquals(200, answer.statusCode(), answer.body());
        assertTrue(answer.body().contains("from openrouter"), answer.body());
        assertEquals("openrouter", answer.headers().firstValue("x-keyway-upstream").orElseThrow());
        assertEquals("2", answer.headers().firstValue("x-keyway-attempts").orElseThrow());
        assertEquals(anthropicKey, anthropic.last().header("x-api-key"));
        FakeUpstream.Received toOpenRouter = keyway.openRouter().last();
        assertEquals("Bearer " + openRouterKey, toOpenRouter.header("Authorization"));
        assertEquals("{\"model\":\"meta/llama\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", toOpenRouter.bodyText(),
                "the fallbacks field reached the upstream, or more than the model changed");
        assertFalse(anthropic.last().bodyText().contains("fallbacks"), anthropic.last().bodyText());
    }

    @Test
    void aFallbackNobodyServesIsRefusedByName() {
        HttpResponse<String> refused = gateway.post("/v1/chat/completions", key,
                "{\"model\":\"shared\",\"fallbacks\":[\"no-such-model\"],\"messages\":[]}");
        Gateway.assertOpenAiError(refused, 404, "model_not_found");
        assertTrue(refused.body().contains("no-such-model"), refused.body());
        Gateway.assertOpenAiError(gateway.post("/v1/chat/completions", key, "{\"model\":\"shared\",\"fallbacks\":\"m-b\"}"), 400, "invalid_request");
        assertEquals(0, calls(keyway.upstream("a")) + calls(keyway.upstream("b")) + calls(keyway.upstream("c")));
    }

    @Test
    void groupsAndAliasesAreListedAsModels() {
        String listed = gateway.get("/v1/models", key).body();
        for (String model : List.of("\"shared\"", "\"smart\"", "\"clever\"", "\"lonely\"")) {
            assertTrue(listed.contains("\"id\":" + model), model + " missing from " + listed);
        }
    }
}
