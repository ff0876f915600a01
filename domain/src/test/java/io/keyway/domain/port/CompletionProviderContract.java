package io.keyway.domain.port;

import io.keyway.domain.completion.Endpoint;
import io.keyway.domain.completion.UpstreamCall;
import io.keyway.domain.completion.UpstreamFailure;
import io.keyway.domain.completion.UpstreamReply;
import io.keyway.domain.model.ProviderKey;
import io.keyway.domain.testkit.Await;
import io.keyway.domain.testkit.BodyProbe;
import io.keyway.domain.testkit.FakeUpstream;
import io.keyway.domain.testkit.RawSocketUpstream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What every {@link CompletionProvider} adapter must do, run against fake upstreams on loopback. An adapter's test
 * extends this class and says how to build the adapter for a base URL and limits.
 */
public abstract class CompletionProviderContract {
    /** The limits the contract runs the adapter with. */
    protected record Limits(Duration connect, Duration firstByte, Duration idle, Duration total, int retries, Duration backoff) {
    }

    protected static final Limits LIMITS = new Limits(Duration.ofSeconds(2), Duration.ofMillis(800), Duration.ofMillis(600),
            Duration.ofMillis(1500), 2, Duration.ofMillis(20));
    private static final String MODEL_BODY = "{\"model\":\"vendor/model\",  \"messages\":[{\"role\":\"user\",\"content\":\"h\\u00e9 \\ud83d\\ude00\"}],"
            + "\"temperature\":0.70,\"x_unknown\":[1e3,null,{\"deep\":true}]}";

    /** The adapter under test, sending to {@code baseUrl} (which ends in {@code /api/v1}) within {@code limits}. */
    protected abstract CompletionProvider connect(String baseUrl, Limits limits);

    /** The caller's own key to put in calls; empty for an adapter that uses the operator's key. */
    protected abstract Optional<ProviderKey> callerKey();

    /** The {@code Authorization} header the upstream must receive. */
    protected abstract String expectedAuthorization();

    private FakeUpstream fake;

    @BeforeEach
    void startFake() {
        fake = FakeUpstream.start();
    }

    @AfterEach
    void stopFake() {
        fake.close();
    }

    private UpstreamCall call(boolean stream) {
        return new UpstreamCall(Endpoint.CHAT_COMPLETIONS, MODEL_BODY.getBytes(StandardCharsets.UTF_8), stream, callerKey(),
                "req-contract-1", Map.of("X-Title", "Contract"));
    }

    private static UpstreamReply reply(CompletionProvider provider, UpstreamCall call) throws Exception {
        return provider.send(call).toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static UpstreamReply.Answered answered(UpstreamReply reply) {
        return assertInstanceOf(UpstreamReply.Answered.class, reply, "expected an answer, got " + reply);
    }

    @Test
    void aPlainAnswerComesBackWithItsStatusHeadersAndBytes() throws Exception {
        String body = FakeUpstream.chatCompletion("vendor/model", "hi");
        fake.answer("chat/completions", FakeUpstream.json(200, body, Map.of("X-Generation-Id", "gen-1")));

        UpstreamReply.Answered answer = answered(reply(connect(fake.baseUrl(), LIMITS), call(false)));
        BodyProbe probe = BodyProbe.of(answer.body());

        assertNull(probe.awaitEnd(Duration.ofSeconds(5)));
        assertEquals(200, answer.status());
        assertEquals("gen-1", answer.header("X-Generation-Id"));
        assertEquals(body, probe.text());
    }

    @Test
    void theRequestGoesOutByteForByteWithTheRightPathKeyAndHeaders() throws Exception {
        fake.answer("chat/completions", FakeUpstream.json(200, "{}"));

        BodyProbe.of(answered(reply(connect(fake.baseUrl(), LIMITS), call(false))).body()).awaitEnd(Duration.ofSeconds(5));

        FakeUpstream.Received received = fake.last();
        assertEquals("POST", received.method());
        assertEquals("/api/v1/chat/completions", received.path());
        assertArrayEquals(MODEL_BODY.getBytes(StandardCharsets.UTF_8), received.body());
        assertEquals(expectedAuthorization(), received.header("Authorization"));
        assertEquals("Contract", received.header("X-Title"));
        assertEquals("req-contract-1", received.header("x-request-id"));
        assertTrue(received.header("Content-Type").startsWith("application/json"));
        assertTrue(received.headers().keySet().stream().noneMatch(name -> name.toLowerCase(java.util.Locale.ROOT).startsWith("x-keyway")),
                "a gateway-internal header reached the upstream: " + received.headers().keySet());
    }

    @Test
    void streamedEventsArriveOneByOneAsTheUpstreamSendsThem() throws Exception {
        List<String> chunks = FakeUpstream.chatStream("vendor/model", List.of("a", "b", "c"));
        fake.answer("chat/completions", FakeUpstream.eventStream(chunks, Duration.ofMillis(200)));

        UpstreamReply.Answered answer = answered(reply(connect(fake.baseUrl(), LIMITS), call(true)));
        BodyProbe probe = BodyProbe.of(answer.body());

        assertNull(probe.awaitEnd(Duration.ofSeconds(5)));
        assertEquals(String.join("", chunks), probe.text());
        assertTrue(answer.header("Content-Type").startsWith("text/event-stream"));
        assertEquals("text/event-stream", fake.last().header("Accept"));
        List<BodyProbe.Chunk> arrived = probe.chunks();
        int spaced = 0;
        for (int i = 1; i < arrived.size(); i++) {
            if (arrived.get(i).nanos() - arrived.get(i - 1).nanos() >= TimeUnit.MILLISECONDS.toNanos(100)) {
                spaced++;
            }
        }
        assertTrue(spaced >= chunks.size() - 2, "events were not delivered as they came: " + arrived.size() + " chunks, " + spaced + " spaced");
    }

    @Test
    void cancellingTheBodyAbortsTheUpstreamRequestWithinASecond() throws Exception {
        List<String> many = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            many.add("data: {\"n\":" + i + "}\n\n");
        }
        fake.answer("chat/completions", FakeUpstream.eventStream(many, Duration.ofMillis(50)));
        BodyProbe probe = BodyProbe.of(answered(reply(connect(fake.baseUrl(), LIMITS), call(true))).body());
        probe.awaitChunks(2, Duration.ofSeconds(5));

        probe.cancel();

        Await.until(() -> !fake.abandonedAt().isEmpty(), Duration.ofSeconds(1), "the upstream noticed the cancelled body");
        assertEquals(1, fake.abandonedAt().size());
    }

    @Test
    void aConnectionResetMidStreamEndsTheBodyWithConnectionLost() throws Exception {
        try (RawSocketUpstream raw = RawSocketUpstream.start(RawSocketUpstream.streamThenReset(
                List.of("data: {\"n\":1}\n\n", "data: {\"n\":2}\n\n")))) {
            BodyProbe probe = BodyProbe.of(answered(reply(connect(raw.baseUrl(), LIMITS), call(true))).body());

            Throwable end = probe.awaitEnd(Duration.ofSeconds(5));

            UpstreamFailure failure = assertInstanceOf(UpstreamFailure.class, end, "the body ended with " + end);
            assertEquals(UpstreamFailure.Kind.CONNECTION_LOST, failure.kind());
            assertTrue(probe.text().startsWith("data: {\"n\":1}\n\n"));
        }
    }

    @Test
    void anUpstreamSilentTooLongBetweenEventsEndsTheBodyWithIdleTimeout() throws Exception {
        fake.answer("chat/completions", FakeUpstream.streamThenSilence("data: {\"n\":1}\n\n", Duration.ofSeconds(5)));
        BodyProbe probe = BodyProbe.of(answered(reply(connect(fake.baseUrl(), LIMITS), call(true))).body());

        long started = System.nanoTime();
        Throwable end = probe.awaitEnd(Duration.ofSeconds(4));

        UpstreamFailure failure = assertInstanceOf(UpstreamFailure.class, end, "the body ended with " + end);
        assertEquals(UpstreamFailure.Kind.IDLE_TIMEOUT, failure.kind());
        assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started) < 3000);
    }

    @Test
    void noAnswerWithinTheFirstByteLimitIsTimedOutAndTheRequestGivenUp() throws Exception {
        List<Long> closedAt = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (RawSocketUpstream silent = RawSocketUpstream.start(RawSocketUpstream.silentUntilClosed(closedAt))) {
            long started = System.nanoTime();
            UpstreamReply reply = reply(connect(silent.baseUrl(), LIMITS), call(true));

            assertInstanceOf(UpstreamReply.TimedOut.class, reply);
            assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started) < 2500);
            awaitClosed(closedAt, "the timed-out request was left open upstream");
            assertEquals(1, silent.connections(), "a timeout must not be retried");
        }
    }

    @Test
    void cancellingACallBeforeItsAnswerClosesTheUpstreamRequestWithinASecond() throws Exception {
        List<Long> closedAt = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (RawSocketUpstream silent = RawSocketUpstream.start(RawSocketUpstream.silentUntilClosed(closedAt))) {
            java.util.concurrent.CompletableFuture<UpstreamReply> pending =
                    connect(silent.baseUrl(), LIMITS).send(call(false)).toCompletableFuture();
            Await.until(() -> silent.connections() > 0, Duration.ofSeconds(5), "the call reached the upstream");
            // The request is written just after the connection is accepted: give it that moment to be in flight.
            Thread.sleep(50);

            pending.cancel(true);

            Await.until(() -> !closedAt.isEmpty(), Duration.ofSeconds(1), "the upstream request was closed after the cancel");
        }
    }

    private static void awaitClosed(List<Long> closedAt, String message) {
        Await.until(() -> !closedAt.isEmpty(), Duration.ofSeconds(3), message);
        assertEquals(1, closedAt.size(), message);
    }

    @Test
    void aNonStreamedAnswerSlowerThanTheTotalLimitFailsWithTotalTimeout() throws Exception {
        fake.answer("chat/completions", FakeUpstream.jsonSlowly(200, FakeUpstream.chatCompletion("m", "slow"), Duration.ofSeconds(3)));

        UpstreamReply reply = reply(connect(fake.baseUrl(), LIMITS), call(false));
        Throwable end = BodyProbe.of(answered(reply).body()).awaitEnd(Duration.ofSeconds(4));

        UpstreamFailure failure = assertInstanceOf(UpstreamFailure.class, end, "the body ended with " + end);
        assertEquals(UpstreamFailure.Kind.TOTAL_TIMEOUT, failure.kind());
    }

    @Test
    void a503IsTriedAgainAndTheNextAnswerReturned() throws Exception {
        fake.answer("chat/completions", FakeUpstream.sequence(
                FakeUpstream.json(503, "{\"error\":{\"message\":\"overloaded\",\"code\":503}}"),
                FakeUpstream.json(200, "{\"ok\":true}")));

        UpstreamReply.Answered answer = answered(reply(connect(fake.baseUrl(), LIMITS), call(false)));
        BodyProbe probe = BodyProbe.of(answer.body());

        assertNull(probe.awaitEnd(Duration.ofSeconds(5)));
        assertEquals(200, answer.status());
        assertEquals("{\"ok\":true}", probe.text());
        assertEquals(2, fake.count("chat/completions"));
    }

    @Test
    void retriesAreBoundedAndTheLastAnswerIsReturned() throws Exception {
        fake.answer("chat/completions", FakeUpstream.json(502, "{\"error\":{\"message\":\"bad gateway\",\"code\":502}}"));

        UpstreamReply.Answered answer = answered(reply(connect(fake.baseUrl(), LIMITS), call(false)));
        BodyProbe probe = BodyProbe.of(answer.body());

        assertNull(probe.awaitEnd(Duration.ofSeconds(5)));
        assertEquals(502, answer.status());
        assertTrue(probe.text().contains("bad gateway"));
        assertEquals(1 + LIMITS.retries(), fake.count("chat/completions"));
    }

    @Test
    void aClientErrorIsNeverRetriedAndKeepsItsBodyAndRetryAfter() throws Exception {
        String error = "{\"error\":{\"message\":\"Rate limit exceeded\",\"code\":429}}";
        fake.answer("chat/completions", FakeUpstream.json(429, error, Map.of("Retry-After", "7")));

        UpstreamReply.Answered answer = answered(reply(connect(fake.baseUrl(), LIMITS), call(true)));
        BodyProbe probe = BodyProbe.of(answer.body());

        assertNull(probe.awaitEnd(Duration.ofSeconds(5)));
        assertEquals(429, answer.status());
        assertEquals("7", answer.header("Retry-After"));
        assertEquals(error, probe.text());
        assertEquals(1, fake.count("chat/completions"));
    }

    @Test
    void aResetBeforeTheAnswerIsTriedAgain() throws Exception {
        try (RawSocketUpstream raw = RawSocketUpstream.start(RawSocketUpstream.resetBeforeAnswer(),
                RawSocketUpstream.answer(200, "{\"second\":true}"))) {
            UpstreamReply.Answered answer = answered(reply(connect(raw.baseUrl(), LIMITS), call(false)));
            BodyProbe probe = BodyProbe.of(answer.body());

            assertNull(probe.awaitEnd(Duration.ofSeconds(5)));
            assertEquals("{\"second\":true}", probe.text());
            assertEquals(2, raw.connections());
        }
    }

    @Test
    void aRefusedConnectionIsUnreachableAfterItsRetries() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }

        UpstreamReply reply = reply(connect("http://127.0.0.1:" + closedPort + "/api/v1", LIMITS), call(false));

        assertInstanceOf(UpstreamReply.Unreachable.class, reply);
    }
}
