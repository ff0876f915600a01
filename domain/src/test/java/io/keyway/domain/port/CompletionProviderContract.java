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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

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

    /** The adapter under test, sending to {@code baseUrl} (which ends in {@code /api/v1}) within {@code limits}. */
    protected abstract CompletionProvider connect(String baseUrl, Limits limits);

    /** The caller's own key to put in calls; empty for an adapter that uses the operator's key. */
    protected abstract Optional<ProviderKey> callerKey();

    /** The key the upstream must receive in {@link ProviderWire#credentialHeader()}. */
    protected abstract String expectedKey();

    /** The provider's API on the wire: OpenAI's unless the adapter translates. */
    protected ProviderWire wire() {
        return ProviderWire.OPENAI;
    }

    private FakeUpstream fake;
    private ProviderWire wire;
    private String path;

    @BeforeEach
    void startFake() {
        fake = FakeUpstream.start();
        wire = wire();
        path = wire.path();
    }

    @AfterEach
    void stopFake() {
        fake.close();
    }

    private UpstreamCall call(boolean stream) {
        return new UpstreamCall(Endpoint.CHAT_COMPLETIONS, wire.request(stream), stream, callerKey(),
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
        String body = wire.answer("hi");
        fake.answer(path, FakeUpstream.json(200, body, Map.of("X-Generation-Id", "gen-1")));

        UpstreamReply.Answered answer = answered(reply(connect(fake.baseUrl(), LIMITS), call(false)));
        BodyProbe probe = BodyProbe.of(answer.body());

        assertNull(probe.awaitEnd(Duration.ofSeconds(5)));
        assertEquals(200, answer.status());
        assertEquals("gen-1", answer.header("X-Generation-Id"));
        wire.assertAnswer(probe.text(), body, "hi");
    }

    @Test
    void theRequestGoesOutByteForByteWithTheRightPathKeyAndHeaders() throws Exception {
        fake.answer(path, FakeUpstream.json(200, wire.answer("ok")));

        BodyProbe.of(answered(reply(connect(fake.baseUrl(), LIMITS), call(false))).body()).awaitEnd(Duration.ofSeconds(5));

        FakeUpstream.Received received = fake.last();
        assertEquals("POST", received.method());
        assertEquals("/api/v1/" + path, received.path());
        wire.assertSent(received.body(), false);
        assertEquals(wire.credential(expectedKey()), received.header(wire.credentialHeader()));
        if (!wire.credentialHeader().equalsIgnoreCase("Authorization")) {
            assertNull(received.header("Authorization"), "the provider takes its key in " + wire.credentialHeader() + " only");
        }
        assertEquals("Contract", received.header("X-Title"));
        assertEquals("req-contract-1", received.header("x-request-id"));
        assertTrue(received.header("Content-Type").startsWith("application/json"));
        assertTrue(received.headers().keySet().stream().noneMatch(name -> name.toLowerCase(java.util.Locale.ROOT).startsWith("x-keyway")),
                "a gateway-internal header reached the upstream: " + received.headers().keySet());
    }

    @Test
    void streamedEventsArriveOneByOneAsTheUpstreamSendsThem() throws Exception {
        List<String> words = List.of("a", "b", "c", "d");
        List<String> chunks = wire.events(words, true);
        fake.answer(path, FakeUpstream.eventStream(chunks, Duration.ofMillis(200)));

        UpstreamReply.Answered answer = answered(reply(connect(fake.baseUrl(), LIMITS), call(true)));
        BodyProbe probe = BodyProbe.of(answer.body());

        assertNull(probe.awaitEnd(Duration.ofSeconds(5)));
        wire.assertStream(probe.text(), chunks, words, true);
        wire.assertSent(fake.last().body(), true);
        assertTrue(answer.header("Content-Type").startsWith("text/event-stream"));
        assertEquals("text/event-stream", fake.last().header("Accept"));
        List<BodyProbe.Chunk> arrived = probe.chunks();
        int spaced = 0;
        for (int i = 1; i < arrived.size(); i++) {
            if (arrived.get(i).nanos() - arrived.get(i - 1).nanos() >= TimeUnit.MILLISECONDS.toNanos(100)) {
                spaced++;
            }
        }
        assertTrue(spaced >= words.size() - 1, "events were not delivered as they came: " + arrived.size() + " chunks, " + spaced + " spaced");
    }

    @Test
    void cancellingTheBodyAbortsTheUpstreamRequestWithinASecond() throws Exception {
        List<String> words = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            words.add("w" + i);
        }
        fake.answer(path, FakeUpstream.eventStream(wire.events(words, true), Duration.ofMillis(50)));
        BodyProbe probe = BodyProbe.of(answered(reply(connect(fake.baseUrl(), LIMITS), call(true))).body());
        probe.awaitChunks(2, Duration.ofSeconds(5));

        probe.cancel();

        Await.until(() -> !fake.abandonedAt().isEmpty(), Duration.ofSeconds(1), "the upstream noticed the cancelled body");
        assertEquals(1, fake.abandonedAt().size());
    }

    @Test
    void aConnectionResetMidStreamEndsTheBodyWithConnectionLost() throws Exception {
        List<String> words = List.of("one", "two");
        List<String> events = wire.events(words, false);
        try (RawSocketUpstream raw = RawSocketUpstream.start(RawSocketUpstream.streamThenReset(events))) {
            BodyProbe probe = BodyProbe.of(answered(reply(connect(raw.baseUrl(), LIMITS), call(true))).body());

            Throwable end = probe.awaitEnd(Duration.ofSeconds(5));

            UpstreamFailure failure = assertInstanceOf(UpstreamFailure.class, end, "the body ended with " + end);
            assertEquals(UpstreamFailure.Kind.CONNECTION_LOST, failure.kind());
            wire.assertStream(probe.text(), events, words, false);
        }
    }

    @Test
    void anUpstreamSilentTooLongBetweenEventsEndsTheBodyWithIdleTimeout() throws Exception {
        fake.answer(path, FakeUpstream.streamThenSilence(String.join("", wire.events(List.of("one"), false)), Duration.ofSeconds(5)));
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
        fake.answer(path, FakeUpstream.jsonSlowly(200, wire.answer("slow"), Duration.ofSeconds(3)));

        UpstreamReply reply = reply(connect(fake.baseUrl(), LIMITS), call(false));
        Throwable end = BodyProbe.of(answered(reply).body()).awaitEnd(Duration.ofSeconds(4));

        UpstreamFailure failure = assertInstanceOf(UpstreamFailure.class, end, "the body ended with " + end);
        assertEquals(UpstreamFailure.Kind.TOTAL_TIMEOUT, failure.kind());
    }

    @Test
    void a503IsTriedAgainAndTheNextAnswerReturned() throws Exception {
        String second = wire.answer("second time");
        fake.answer(path, FakeUpstream.sequence(
                FakeUpstream.json(503, wire.error(503, "overloaded")),
                FakeUpstream.json(200, second)));

        UpstreamReply.Answered answer = answered(reply(connect(fake.baseUrl(), LIMITS), call(false)));
        BodyProbe probe = BodyProbe.of(answer.body());

        assertNull(probe.awaitEnd(Duration.ofSeconds(5)));
        assertEquals(200, answer.status());
        wire.assertAnswer(probe.text(), second, "second time");
        assertEquals(2, fake.count(path));
    }

    @Test
    void retriesAreBoundedAndTheLastAnswerIsReturned() throws Exception {
        String error = wire.error(502, "bad gateway");
        fake.answer(path, FakeUpstream.json(502, error));

        UpstreamReply.Answered answer = answered(reply(connect(fake.baseUrl(), LIMITS), call(false)));
        BodyProbe probe = BodyProbe.of(answer.body());

        assertNull(probe.awaitEnd(Duration.ofSeconds(5)));
        assertEquals(502, answer.status());
        wire.assertError(probe.text(), error, "bad gateway");
        assertEquals(1 + LIMITS.retries(), fake.count(path));
    }

    @Test
    void aClientErrorIsNeverRetriedAndKeepsItsBodyAndRetryAfter() throws Exception {
        String error = wire.error(429, "Rate limit exceeded");
        fake.answer(path, FakeUpstream.json(429, error, Map.of("Retry-After", "7")));

        UpstreamReply.Answered answer = answered(reply(connect(fake.baseUrl(), LIMITS), call(true)));
        BodyProbe probe = BodyProbe.of(answer.body());

        assertNull(probe.awaitEnd(Duration.ofSeconds(5)));
        assertEquals(429, answer.status());
        assertEquals("7", answer.header("Retry-After"));
        wire.assertError(probe.text(), error, "Rate limit exceeded");
        assertEquals(1, fake.count(path));
    }

    @Test
    void aResetBeforeTheAnswerIsTriedAgain() throws Exception {
        try (RawSocketUpstream raw = RawSocketUpstream.start(RawSocketUpstream.resetBeforeAnswer(),
                RawSocketUpstream.answer(200, wire.answer("second")))) {
            UpstreamReply.Answered answer = answered(reply(connect(raw.baseUrl(), LIMITS), call(false)));
            BodyProbe probe = BodyProbe.of(answer.body());

            assertNull(probe.awaitEnd(Duration.ofSeconds(5)));
            wire.assertAnswer(probe.text(), wire.answer("second"), "second");
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
