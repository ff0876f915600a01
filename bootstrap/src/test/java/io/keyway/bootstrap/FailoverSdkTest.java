package io.keyway.bootstrap;

import io.keyway.domain.testkit.FakeUpstream;
import io.keyway.testkit.Gateway;
import io.keyway.testkit.KeywayExtension;
import io.keyway.testkit.NodeSdk;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The unmodified OpenAI Node SDK, with its own retries off, sees a failover as an ordinary answer: the first
 * deployment of a group fails (a 503 for a whole answer, an error event before any data for a stream) and the second
 * answers.
 */
class FailoverSdkTest {
    @RegisterExtension
    static final KeywayExtension keyway = KeywayExtension.builder()
            .operatorUpstream("first", "failing-then-fine")
            .property("keyway.models.steady.deployments", List.of(
                    java.util.Map.of("upstream", "first", "model", "failing-then-fine", "priority", 0),
                    java.util.Map.of("upstream", "spare", "model", "spare-model", "priority", 1)))
            .operatorUpstream("spare", "spare-model")
            .build();

    @Test
    void aWholeAnswerAndAStreamEachComeFromTheSpareAsIfNothingFailed() throws Exception {
        FakeUpstream first = keyway.upstream("first");
        FakeUpstream spare = keyway.upstream("spare");
        first.answer("chat/completions", FakeUpstream.sequence(
                FakeUpstream.json(503, "{\"error\":{\"message\":\"overloaded\"}}"),
                FakeUpstream.eventStream(List.of("data: {\"error\":{\"message\":\"Provider returned error\",\"code\":502}}\n\n"), Duration.ZERO)));
        spare.answer("chat/completions", FakeUpstream.sequence(
                FakeUpstream.json(200, FakeUpstream.chatCompletion("spare-model", "Hello from the spare")),
                FakeUpstream.eventStream(FakeUpstream.chatStream("spare-model", List.of("Hel", "lo")), Duration.ofMillis(5))));
        Gateway gateway = keyway.gateway();

        String plain = NodeSdk.run("plain", gateway.baseUrl() + "/v1", keyway.gatewayKey(), "steady");
        String stream = NodeSdk.run("stream", gateway.baseUrl() + "/v1", keyway.gatewayKey(), "steady");

        assertFalse(plain.contains("unexpected"), plain);
        assertTrue(plain.contains("\"content\":\"Hello from the spare\""), plain);
        assertTrue(plain.contains("\"model\":\"spare-model\""), "the answering model stays in the body: " + plain);
        assertFalse(stream.contains("unexpected"), stream);
        assertTrue(stream.contains("\"content\":\"Hello\""), stream);
        assertTrue(stream.contains("\"finish_reasons\":[\"stop\"]"), stream);
        assertEquals(2, first.count("chat/completions"));
        assertEquals(2, spare.count("chat/completions"));
    }
}
