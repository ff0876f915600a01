package io.keyway.bootstrap;

import io.keyway.testkit.Gateway;
import io.keyway.domain.testkit.Await;
import io.keyway.domain.testkit.FakeUpstream;
import io.keyway.domain.testkit.RawSocketUpstream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import io.keyway.testkit.KeywayExtension;

import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.keyway.testkit.Gateway.field;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Keyway fails truthfully and within bounds when upstreams misbehave, over real HTTP on loopback. */
class ResilienceTest {
    private static final RawSocketUpstream resetting = RawSocketUpstream.start(RawSocketUpstream.streamThenReset(List.of(
            "data: {\"choices\":[{\"delta\":{\"content\":\"Hel\"}}]}\n\n", "data: {\"choices\":[{\"delta\":{\"content\":\"lo\"}}]}\n\n")));
    /** Cut in the middle of its second event. */
    private static final RawSocketUpstream halfway = RawSocketUpstream.start(RawSocketUpstream.streamThenReset(List.of(
            "data: {\"choices\":[{\"delta\":{\"content\":\"Hel\"}}]}\n\n", "data: {\"choices\":[{\"del")));

    @RegisterExtension
    static final KeywayExtension keyway = KeywayExtension.builder()
            .property("keyway.openrouter.first-byte-timeout", "1s")
            .property("keyway.openrouter.idle-timeout", "700ms")
            .property("keyway.openrouter.total-timeout", "2s")
            .property("keyway.openrouter.retry-backoff", "20ms")
            .property("keyway.upstreams.flaky.base-url", resetting.baseUrl())
            .property("keyway.upstreams.flaky.models", List.of("flaky-model"))
            .property("keyway.upstreams.flaky.retries", 0)
            .property("keyway.upstreams.halfway.base-url", halfway.baseUrl())
            .property("keyway.upstreams.halfway.models", List.of("halfway-model"))
            .property("keyway.upstreams.halfway.retries", 0)
            .build();

    private final FakeUpstream openRouter = keyway.openRouter();
    private final Gateway gateway = keyway.gateway();
    private final String key = keyway.gatewayKey();

    @AfterAll
    static void stop() {
        resetting.close();
        halfway.close();
    }


    /** What a client reads of a stream, and whether the transfer ended cleanly. */
    private record Streamed(String body, boolean endedCleanly) {
    }

    private Streamed stream(String model) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(gateway.uri("/v1/chat/completions"))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + model + "\",\"stream\":true,\"messages\":[]}")).build();
        HttpResponse<InputStream> response = gateway.http().send(request, HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, response.statusCode());
        java.io.ByteArrayOutputStream read = new java.io.ByteArrayOutputStream();
        boolean clean = true;
        try (InputStream in = response.body()) {
            byte[] buffer = new byte[4096];
            int n;
            while ((n = in.read(buffer)) != -1) {
                read.write(buffer, 0, n);
            }
        } catch (java.io.IOException cut) {
            clean = false;
        }
        return new Streamed(read.toString(StandardCharsets.UTF_8), clean);
    }

    @Test
    void aStreamCutUpstreamEndsWithOneErrorEventAndNoDone() throws Exception {
        Streamed streamed = stream("flaky-model");
        String body = streamed.body();

        assertFalse(streamed.endedCleanly(), "a cut stream must not end like a finished one");
        assertTrue(body.startsWith("data: {\"choices\":[{\"delta\":{\"content\":\"Hel\"}}]}\n\n"), body);
        assertFalse(body.contains("[DONE]"), "a cut stream was given a made-up end: " + body);
        assertFalse(body.contains("finish_reason"), body);
        String last = body.strip().substring(body.strip().lastIndexOf("data: "));
        assertTrue(last.startsWith("data: {\"error\":{"), last);
        assertEquals("upstream_stream_interrupted", field(last, "code"));
        assertEquals("flaky", field(last, "provider"));
        assertEquals(1, body.split("\"error\"", -1).length - 1, "exactly one error event: " + body);
    }

    @Test
    void aStreamCutInTheMiddleOfAnEventGetsItsErrorEventAfterABlankLine() throws Exception {
        Streamed streamed = stream("halfway-model");
        String body = streamed.body();

        assertFalse(streamed.endedCleanly(), body);
        // The half event is passed on as it came; the error event must not be glued onto it, or an SDK reads one
        // broken event and never sees the error.
        assertTrue(body.contains("data: {\"choices\":[{\"del\n\ndata: {\"error\":{"), body);
        assertEquals(1, body.split("\"error\"", -1).length - 1, "exactly one error event: " + body);
    }

    @Test
    void aStreamThatFallsSilentEndsWithATimeoutErrorEventAndNoDone() throws Exception {
        openRouter.answer("chat/completions", FakeUpstream.streamThenSilence(": OPENROUTER PROCESSING\n\n", Duration.ofSeconds(10)));

        long started = System.nanoTime();
        Streamed streamed = stream("openrouter-a/b");
        String body = streamed.body();

        assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started) < 5000);
        assertTrue(body.startsWith(": OPENROUTER PROCESSING\n\n"), "the keep-alive comment was not relayed: " + body);
        assertFalse(body.contains("[DONE]"), body);
        assertEquals("upstream_timeout", field(body, "code"));
        assertFalse(streamed.endedCleanly());
    }

    @Test
    void openRoutersOwnInBandErrorEventsPassThroughAsTheyAre() throws Exception {
        List<String> chunks = List.of("data: {\"choices\":[{\"delta\":{\"content\":\"x\"}}]}\n\n",
                "data: {\"error\":{\"code\":502,\"message\":\"Provider disconnected\"},\"choices\":[{\"finish_reason\":\"error\"}]}\n\n");
        openRouter.answer("chat/completions", FakeUpstream.eventStream(chunks, Duration.ofMillis(20)));

        Streamed streamed = stream("openrouter-a/b");
        assertEquals(String.join("", chunks), streamed.body());
        assertTrue(streamed.endedCleanly(), "a stream the upstream ended itself must end cleanly");
    }

    @Test
    void noFirstByteInTimeIs504() {
        openRouter.answer("chat/completions", FakeUpstream.after(Duration.ofSeconds(4), FakeUpstream.json(200, "{}")));

        HttpResponse<String> response = gateway.post("/v1/chat/completions", key, "{\"model\":\"openrouter-a/b\"}");

        assertEquals(504, response.statusCode(), response.body());
        assertEquals("upstream_timeout", field(response.body(), "code"));
        assertEquals(1, openRouter.count("chat/completions"), "a timeout must not be retried");
    }

    @Test
    void aWholeAnswerWithNoBodyByteWithinTheTotalLimitIs504() {
        openRouter.answer("chat/completions", FakeUpstream.jsonHeadersThenSilence(Duration.ofSeconds(4)));

        HttpResponse<String> response = gateway.post("/v1/chat/completions", key, "{\"model\":\"openrouter-a/b\"}");

        assertEquals(504, response.statusCode(), response.body());
        assertEquals("upstream_timeout", field(response.body(), "code"));
    }

    @Test
    void aWholeAnswerIsPassedOnAsItIsReadNotAfterItsLastByte() throws Exception {
        String answer = FakeUpstream.chatCompletion("a/b", "x".repeat(20_000));
        openRouter.answer("chat/completions", FakeUpstream.jsonSlowly(200, answer, Duration.ofMillis(1500)));

        long sent = System.nanoTime();
        HttpResponse<InputStream> response = gateway.http().send(completionRequest("{\"model\":\"openrouter-a/b\"}"),
                HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream in = response.body()) {
            byte[] first = new byte[1];
            assertEquals(1, in.read(first));
            long firstByteMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sent);
            String whole = "{" + new String(in.readAllBytes(), StandardCharsets.UTF_8);

            assertEquals(200, response.statusCode());
            assertTrue(firstByteMillis < 1000, "the first half waited for the second: first byte after " + firstByteMillis + " ms");
            assertEquals(answer, whole);
        }
    }

    @Test
    void aWholeAnswerCutAfterItBeganEndsInABrokenTransferNotAFinishedBody() throws Exception {
        String answer = FakeUpstream.chatCompletion("a/b", "slow");
        openRouter.answer("chat/completions", FakeUpstream.jsonSlowly(200, answer, Duration.ofSeconds(4)));

        HttpResponse<InputStream> response = gateway.http().send(completionRequest("{\"model\":\"openrouter-a/b\"}"),
                HttpResponse.BodyHandlers.ofInputStream());
        java.io.ByteArrayOutputStream read = new java.io.ByteArrayOutputStream();
        boolean clean = true;
        try (InputStream in = response.body()) {
            in.transferTo(read);
        } catch (java.io.IOException cut) {
            clean = false;
        }

        assertEquals(200, response.statusCode(), "the status went out with the first half");
        assertFalse(clean, "an answer cut by the total limit must not end like a finished one: " + read);
        assertTrue(answer.startsWith(read.toString(StandardCharsets.UTF_8)), read.toString(StandardCharsets.UTF_8));
        assertTrue(read.size() < answer.length());
    }

    @Test
    void aClientThatLeavesInTheMiddleOfAWholeAnswerCancelsTheUpstreamWithinASecond() throws Exception {
        List<Long> closedAt = new java.util.concurrent.CopyOnWriteArrayList<>();
        String answer = FakeUpstream.chatCompletion("a/b", "y".repeat(4_000));
        try (RawSocketUpstream halting = RawSocketUpstream.start(RawSocketUpstream.halfAnswerThenSilentUntilClosed(answer, closedAt));
             Gateway slow = Gateway.start(openRouter.baseUrl(), Map.of(
                     "keyway.upstreams.halting.base-url", halting.baseUrl(),
                     "keyway.upstreams.halting.models", List.of("halting-model")))) {
            String slowKey = slow.createGatewayKey(slow.createAccount("leaves-midway"), null);
            HttpRequest request = HttpRequest.newBuilder(slow.uri("/v1/chat/completions"))
                    .header("Authorization", "Bearer " + slowKey).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"halting-model\"}")).build();
            HttpResponse<InputStream> response = slow.http().send(request, HttpResponse.BodyHandlers.ofInputStream());
            InputStream in = response.body();
            byte[] first = new byte[64];
            assertTrue(in.read(first) > 0, "the first half reached the client");
            assertTrue(closedAt.isEmpty());

            in.close();

            Await.until(() -> !closedAt.isEmpty(), Duration.ofSeconds(1), "the upstream answer was given up after the client left");
        }
    }

    private HttpRequest completionRequest(String body) {
        return HttpRequest.newBuilder(gateway.uri("/v1/chat/completions"))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    @Test
    void a503IsRetriedBeforeAnythingReachesTheClient() {
        openRouter.answer("chat/completions", FakeUpstream.sequence(
                FakeUpstream.json(503, "{\"error\":{\"message\":\"no capacity\",\"code\":503}}"),
                FakeUpstream.json(200, FakeUpstream.chatCompletion("a/b", "second try"))));

        HttpResponse<String> response = gateway.post("/v1/chat/completions", key, "{\"model\":\"openrouter-a/b\"}");

        assertEquals(200, response.statusCode(), response.body());
        assertTrue(response.body().contains("second try"));
        assertEquals(2, openRouter.count("chat/completions"));
    }

    @Test
    void aClientThatDisconnectsMidStreamCancelsTheUpstreamWithinASecond() throws Exception {
        List<String> endless = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            endless.add("data: {\"n\":" + i + "}\n\n");
        }
        openRouter.answer("chat/completions", FakeUpstream.eventStream(endless, Duration.ofMillis(50)));
        HttpRequest request = HttpRequest.newBuilder(gateway.uri("/v1/chat/completions"))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"openrouter-a/b\",\"stream\":true}")).build();
        HttpResponse<InputStream> response = gateway.http().send(request, HttpResponse.BodyHandlers.ofInputStream());
        InputStream in = response.body();
        byte[] first = new byte[16];
        assertTrue(in.read(first) > 0);

        in.close();

        Await.until(() -> !openRouter.abandonedAt().isEmpty(), Duration.ofSeconds(1), "the upstream stream was cancelled after the client left");
    }

    @Test
    void aClientThatGivesUpOnAWholeAnswerCancelsTheUpstreamWithinASecond() throws Exception {
        // The gateway writes the request just after connecting: give it that moment to be in flight upstream.
        assertTheUpstreamIsGivenUpWhenTheClientLeaves(RawSocketUpstream::silentUntilClosed, Duration.ofMillis(200));
    }

    @Test
    void aClientThatLeavesAfterTheUpstreamsHeadersButBeforeItsBodyCancelsTheUpstreamWithinASecond() throws Exception {
        // The gateway holds the client's response until the first byte of the body (a failure before it is still a
        // 502): the client leaves in between, once the upstream's headers have reached the gateway.
        assertTheUpstreamIsGivenUpWhenTheClientLeaves(closedAt -> RawSocketUpstream.headersThenSilentUntilClosed(
                FakeUpstream.chatCompletion("a/b", "never sent"), closedAt), Duration.ofMillis(300));
    }

    /**
     * A client sends a request to an upstream that answers as {@code upstream} says, leaves {@code pause} after the
     * request reached it, and the upstream's connection must be closed within a second.
     */
    private void assertTheUpstreamIsGivenUpWhenTheClientLeaves(java.util.function.Function<List<Long>, RawSocketUpstream.Script> upstream,
                                                               Duration pause) throws Exception {
        List<Long> closedAt = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (RawSocketUpstream thinking = RawSocketUpstream.start(upstream.apply(closedAt));
             Gateway slow = Gateway.start(openRouter.baseUrl(), Map.of(
                     "keyway.upstreams.thinking.base-url", thinking.baseUrl(),
                     "keyway.upstreams.thinking.models", List.of("thinking-model")))) {
            String slowKey = slow.createGatewayKey(slow.createAccount("impatient"), null);
            java.net.Socket client = slow.postAndKeepOpen(slowKey, "{\"model\":\"thinking-model\"}");
            Await.until(() -> thinking.connections() > 0, Duration.ofSeconds(5), "the request reached the upstream");
            Thread.sleep(pause.toMillis());

            client.close();

            Await.until(() -> !closedAt.isEmpty(), Duration.ofSeconds(1), "the upstream request was given up after the client left");
        }
    }

    @Test
    void aBodyOverTheLimitIs413AndNeverReachesAnUpstream() {
        String huge = "{\"model\":\"openrouter-a/b\",\"messages\":[{\"role\":\"user\",\"content\":\"" + "x".repeat(11 * 1024 * 1024) + "\"}]}";

        HttpResponse<String> response = gateway.post("/v1/chat/completions", key, huge);

        assertEquals(413, response.statusCode());
        assertEquals("request_too_large", field(response.body(), "code"));
        assertEquals(0, openRouter.received().size());
        assertEquals(404, gateway.post("/v1/chat/completions", key, "{\"model\":\"nobody\"}").statusCode(), "the server stopped serving");
    }

    @Test
    void aBodyThatIsNotDeclaredJsonIs400() {
        HttpResponse<String> response = gateway.send("POST", "/v1/chat/completions", key, null,
                Map.of("Content-Type", "text/plain"));
        HttpResponse<String> form = gateway.http().sendAsync(HttpRequest.newBuilder(gateway.uri("/v1/chat/completions"))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"openrouter-a/b\"}")).build(),
                HttpResponse.BodyHandlers.ofString()).join();

        assertEquals(400, response.statusCode(), response.body());
        assertEquals(400, form.statusCode(), form.body());
        assertTrue(field(form.body(), "message").contains("application/json"));
        assertEquals(0, openRouter.received().size());
    }

    @Test
    void embeddingsAndResponsesRouteByModelLikeChat() {
        openRouter.answer("embeddings", FakeUpstream.json(200, "{\"object\":\"list\",\"data\":[{\"embedding\":[0.1,0.2]}]}"));
        openRouter.answer("responses", FakeUpstream.json(200, "{\"id\":\"resp_1\",\"object\":\"response\",\"output\":[]}"));

        HttpResponse<String> embeddings = gateway.post("/v1/embeddings", key, "{\"input\":\"hi\",\"model\":\"openrouter-openai/text-embedding-3-small\"}");
        String embeddingsBody = openRouter.last().bodyText();
        HttpResponse<String> responses = gateway.post("/v1/responses", key, "{\"model\":\"openrouter-openai/gpt-4o\",\"input\":\"hi\"}");

        assertEquals(200, embeddings.statusCode());
        assertEquals("{\"input\":\"hi\",\"model\":\"openai/text-embedding-3-small\"}", embeddingsBody);
        assertEquals(200, responses.statusCode());
        assertEquals("{\"id\":\"resp_1\",\"object\":\"response\",\"output\":[]}", responses.body());
        assertEquals("/api/v1/responses", openRouter.last().path());
    }

    @Test
    void aRequestIdIsTakenOrMadeForwardedReturnedAndLogged() throws Exception {
        openRouter.answer("chat/completions", FakeUpstream.json(200, FakeUpstream.chatCompletion("a/b", "ok")));

        HttpResponse<String> given = gateway.send("POST", "/v1/chat/completions", key, "{\"model\":\"openrouter-a/b\"}",
                Map.of("x-request-id", "client-chosen-42"));
        String forwardedGiven = openRouter.last().header("x-request-id");
        HttpResponse<String> made = gateway.post("/v1/chat/completions", key, "{\"model\":\"openrouter-a/b\"}");
        String madeId = made.headers().firstValue("x-request-id").orElse("");

        assertEquals("client-chosen-42", given.headers().firstValue("x-request-id").orElse(null));
        assertEquals("client-chosen-42", forwardedGiven);
        assertTrue(madeId.startsWith("req_"), madeId);
        assertEquals(madeId, openRouter.last().header("x-request-id"));
        String log = java.nio.file.Files.readString(java.nio.file.Path.of(System.getProperty("keyway.test.log",
                "target/test-logs/keyway-test.log")), StandardCharsets.UTF_8);
        // One access line per request, carrying where it went.
        List<String> lines = log.lines().filter(line -> line.contains("request_id=" + madeId)).toList();
        assertEquals(1, lines.size(), "the request's log lines: " + lines);
        assertTrue(lines.get(0).contains("model=openrouter-a/b upstream=openrouter -> 200"), lines.get(0));
        // The request body's size; the answer is passed through as it comes, so its size is not known when the line is written.
        assertTrue(lines.get(0).matches(".* in \\d+ ms bytes_in=" + "{\"model\":\"openrouter-a/b\"}".length() + " bytes_out=-$"), lines.get(0));
    }
}
