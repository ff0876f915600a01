package io.keyway.bootstrap;

import io.keyway.domain.testkit.FakeUpstream;
import io.keyway.testkit.KeywayExtension;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.uring.IoUring;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@code keyway.server.transport}: by default the best transport this machine offers (io_uring, else epoll, else NIO),
 * and each one a user may choose relays a stream byte for byte and answers a plain request, its upstream connections
 * on the same loops. The rest of the suite runs on the default.
 */
class TransportsTest {
    private static final String STREAM = "{\"model\":\"openrouter-a/b\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @RegisterExtension
    static final KeywayExtension standard = KeywayExtension.standard();

    @Test
    void theDefaultIsTheBestTransportThisMachineOffers() {
        String best = IoUring.isAvailable() ? "io_uring" : Epoll.isAvailable() ? "epoll" : "nio";
        assertEquals(best, Transports.inUse(standard.gateway().context()));
        relaysAStream(standard);
    }

    @Nested
    class Nio {
        @RegisterExtension
        static final KeywayExtension keyway = KeywayExtension.builder().property("keyway.server.transport", "nio").build();

        @Test
        void relaysAStreamByteForByte() {
            assertEquals("nio", Transports.inUse(keyway.gateway().context()));
            relaysAStream(keyway);
        }
    }

    @Nested
    class EpollThenNio {
        @RegisterExtension
        static final KeywayExtension keyway = KeywayExtension.builder().property("keyway.server.transport", "epoll,nio").build();

        @Test
        void relaysAStreamByteForByte() {
            assertEquals(Epoll.isAvailable() ? "epoll" : "nio", Transports.inUse(keyway.gateway().context()));
            relaysAStream(keyway);
        }
    }

    private static void relaysAStream(KeywayExtension keyway) {
        List<String> chunks = FakeUpstream.chatStream("a/b", List.of("One", " two", " three"));
        keyway.openRouter().answer("chat/completions", FakeUpstream.eventStream(chunks, Duration.ofMillis(20)));
        HttpRequest request = HttpRequest.newBuilder(keyway.gateway().uri("/v1/chat/completions"))
                .header("Authorization", "Bearer " + keyway.gatewayKey()).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(STREAM)).build();
        HttpResponse<String> response;
        try {
            response = keyway.gateway().http().send(request, HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new AssertionError("the stream failed", e);
        }
        assertEquals(200, response.statusCode(), response.body());
        assertEquals(String.join("", chunks), response.body(), "the stream was altered");
        assertEquals(200, keyway.gateway().send("GET", "/health", null, null).statusCode());
    }
}
