package io.keyway.openrouter;

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
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The bookkeeping behind cancellation: every call leaves the in-flight table, however it ends. */
class InFlightConnectionsTest {
    private FakeUpstream fake;
    private UpstreamConnections connections;
    private OpenAiCompatibleUpstream upstream;

    @BeforeEach
    void start() {
        fake = FakeUpstream.start();
        UpstreamSettings settings = new UpstreamSettings("test", URI.create(fake.baseUrl()), Optional.of("operator-key-123456"),
                new UpstreamSettings.Timeouts(Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofSeconds(5)),
                new UpstreamSettings.Retries(0, Duration.ofMillis(10), Duration.ofMillis(10)), Duration.ofMinutes(1));
        connections = new UpstreamConnections(settings);
        upstream = new OpenAiCompatibleUpstream(settings, connections, ObjectMapper.getDefault(), Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        connections.close();
        fake.close();
    }

    private BodyProbe call(boolean stream) throws Exception {
        UpstreamCall call = new UpstreamCall(Endpoint.CHAT_COMPLETIONS, "{\"model\":\"m\"}".getBytes(StandardCharsets.UTF_8),
                stream, Optional.empty(), Map.of());
        UpstreamReply reply = upstream.send(call).toCompletableFuture().get(5, TimeUnit.SECONDS);
        return BodyProbe.of(((UpstreamReply.Answered) reply).body());
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
        List<String> many = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            many.add("data: " + i + "\n\n");
        }
        fake.answer("chat/completions", FakeUpstream.eventStream(many, Duration.ofMillis(20)));
        BodyProbe probe = call(true);
        probe.awaitChunks(1, Duration.ofSeconds(5));
        probe.cancel();

        fake.answer("chat/completions", FakeUpstream.json(200, "{\"after\":true}"));
        BodyProbe after = call(false);

        assertNull(after.awaitEnd(Duration.ofSeconds(5)));
        assertEquals("{\"after\":true}", after.text());
        assertEquals(0, connections.inFlight().inFlight());
    }
}
