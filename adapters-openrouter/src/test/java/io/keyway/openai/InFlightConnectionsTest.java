package io.keyway.openai;

import io.keyway.domain.completion.Endpoint;
import io.keyway.domain.completion.UpstreamCall;
import io.keyway.domain.completion.UpstreamReply;
import io.keyway.domain.testkit.BodyProbe;
import io.keyway.domain.testkit.FakeUpstream;
import io.micronaut.serde.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The bookkeeping behind cancellation: every call leaves the in-flight table, however it ends. */
class InFlightConnectionsTest {
    private FakeUpstream fake;
    private UpstreamConnections connections;
    private OpenAiUpstream upstream;

    @BeforeEach
    void start() {
        fake = FakeUpstream.start();
        UpstreamSettings settings = new UpstreamSettings("test", URI.create(fake.baseUrl()), Optional.of("operator-key-123456"),
                new UpstreamSettings.Timeouts(Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofSeconds(5)),
                new UpstreamSettings.Retries(0, Duration.ofMillis(10), Duration.ofMillis(10)), Duration.ofMinutes(1));
        connections = new UpstreamConnections(settings);
        upstream = OpenAiUpstreams.provider(settings, connections, ObjectMapper.getDefault());
    }

    @AfterEach
    void stop() {
        connections.close();
        fake.close();
    }

    private BodyProbe call(boolean stream) throws Exception {
        return BodyProbe.of(answer(stream).body());
    }

    private UpstreamReply.Answered answer(boolean stream) throws Exception {
        UpstreamCall call = new UpstreamCall(Endpoint.CHAT_COMPLETIONS, "{\"model\":\"m\"}".getBytes(StandardCharsets.UTF_8),
                stream, Optional.empty(), "req-in-flight", Map.of());
        return (UpstreamReply.Answered) upstream.send(call).toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    @Test
    void completedAnswersAndStreamsLeaveNothingInFlight() throws Exception {
        fake.answer("chat/completions", FakeUpstream.json(200, "{\"ok\":true}"));
        for (int i = 0; i < 5; i++) {
            assertNull(call(false).awaitEnd(Duration.ofSeconds(5)));
        }
        fake.answer("chat/completions", FakeUpstream.eventStream(List.of("data: 1\n\n", "data: [DONE]\n\n"), Duration.ofMillis(10)));
        assertNull(call(true).awaitEnd(Duration.ofSeconds(5)));

        assertEquals(0, connections.inFlight().inFlight());
    }

    @Test
    void aCancelledStreamLeavesNothingInFlightAndLaterCallsStillWork() throws Exception {
        fake.answer("chat/completions", FakeUpstream.eventStream(hundredEvents(), Duration.ofMillis(20)));
        BodyProbe probe = call(true);
        probe.awaitChunks(1, Duration.ofSeconds(5));
        probe.cancel();

        fake.answer("chat/completions", FakeUpstream.json(200, "{\"after\":true}"));
        BodyProbe after = call(false);

        assertNull(after.awaitEnd(Duration.ofSeconds(5)));
        assertEquals("{\"after\":true}", after.text());
        assertEquals(0, connections.inFlight().inFlight());
    }

    @Test
    void aReaderThatThrowsOnAChunkGivesTheStreamUpAndLaterCallsStillWork() throws Exception {
        fake.answer("chat/completions", FakeUpstream.eventStream(hundredEvents(), Duration.ofMillis(20)));
        java.util.concurrent.atomic.AtomicInteger chunks = new java.util.concurrent.atomic.AtomicInteger();
        answer(true).body().subscribe(new java.util.concurrent.Flow.Subscriber<byte[]>() {
            @Override
            public void onSubscribe(java.util.concurrent.Flow.Subscription subscription) {
                subscription.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(byte[] chunk) {
                chunks.incrementAndGet();
                throw new IllegalStateException("a broken reader");
            }

            @Override
            public void onError(Throwable failure) {
            }

            @Override
            public void onComplete() {
            }
        });
        // Given up at once, not left waiting for its 100 events: its connection leaves the table well before 2 s.
        io.keyway.domain.testkit.Await.until(() -> connections.inFlight().inFlight() == 0, Duration.ofSeconds(1),
                "the stream whose reader threw was given up");
        Thread.sleep(200);
        assertEquals(1, chunks.get(), "nothing more reached the reader that threw");

        fake.answer("chat/completions", FakeUpstream.json(200, "{\"after\":true}"));
        BodyProbe after = call(false);
        assertNull(after.awaitEnd(Duration.ofSeconds(5)));
        assertEquals("{\"after\":true}", after.text());
    }

    @Test
    void thousandsOfCallsHowEverTheyEndLeaveTheTableEmpty() throws Exception {
        fake.answer("chat/completions", FakeUpstream.json(200, "{\"ok\":true}"));
        ExecutorService clients = Executors.newFixedThreadPool(16);
        try {
            List<Future<Throwable>> calls = new ArrayList<>();
            for (int i = 0; i < 4000; i++) {
                boolean cancelAfterTheEnd = i % 3 == 0;
                calls.add(clients.submit(() -> {
                    BodyProbe probe = call(false);
                    Throwable failure = probe.awaitEnd(Duration.ofSeconds(10));
                    if (cancelAfterTheEnd) {
                        // What a server does with a response it has finished writing: cancel what is already complete.
                        probe.cancel();
                    }
                    return failure;
                }));
            }
            for (Future<Throwable> call : calls) {
                assertNull(call.get(30, TimeUnit.SECONDS));
            }
        } finally {
            clients.shutdownNow();
        }
        assertEquals(0, connections.inFlight().inFlight());
    }

    @Test
    void cancellingACallThatEndedKeepsItsConnectionForTheNext() throws Exception {
        fake.answer("chat/completions", FakeUpstream.json(200, "{\"ok\":true}"));
        BodyProbe first = call(false);
        assertNull(first.awaitEnd(Duration.ofSeconds(5)));
        io.keyway.domain.testkit.Await.until(() -> connections.inFlight().inFlight() == 0, Duration.ofSeconds(5), "the first call finished");
        first.cancel();
        // The pool takes the connection back just after the body ends, on the event loop; give it (and any close the
        // cancel would wrongly cause) that moment, so that the count below says what the cancel did, not the timing.
        Thread.sleep(200);
        BodyProbe second = call(false);
        assertNull(second.awaitEnd(Duration.ofSeconds(5)));
        assertEquals(1, fake.connectionsSeen(), "a finished call's connection was closed by a late cancel");
    }

    /** A stream long enough to be cut in the middle: 100 numbered events. */
    private static List<String> hundredEvents() {
        List<String> events = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            events.add("data: " + i + "\n\n");
        }
        return events;
    }
}
