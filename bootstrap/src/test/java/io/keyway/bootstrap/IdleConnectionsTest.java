package io.keyway.bootstrap;

import io.keyway.domain.testkit.FakeUpstream;
import io.keyway.testkit.Gateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * micronaut.server.idle-timeout, as Keyway's own guard keeps it: a connection quiet both ways for the timeout is closed
 * (between one and one and a quarter timeouts), a stream's events keep its connection, and a kept-alive connection
 * serves its next request after a pause shorter than the timeout.
 */
class IdleConnectionsTest {
    private static FakeUpstream openRouter;
    private static Gateway gateway;
    private static String key;

    @BeforeAll
    static void start() {
        openRouter = FakeUpstream.start();
        List<String> words = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            words.add("w" + i + " ");
        }
        // 8 words 400 ms apart: about 3.6 s of stream, three times the timeout, never quiet for a whole one.
        openRouter.answer("chat/completions", FakeUpstream.eventStream(FakeUpstream.chatStream("a/b", words), Duration.ofMillis(400)));
        gateway = Gateway.start(openRouter.baseUrl(), Map.of("micronaut.server.idle-timeout", "1s"));
        key = gateway.createGatewayKey(gateway.createAccount("idle"), "sk-or-v1-idle-0001");
    }

    @AfterAll
    static void stop() {
        gateway.close();
        openRouter.close();
    }

    private static Socket connect() throws IOException {
        Socket client = new Socket("127.0.0.1", gateway.uri("/").getPort());
        client.setSoTimeout(10_000);
        return client;
    }

    private static void send(Socket client, String request) throws IOException {
        client.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
        client.getOutputStream().flush();
    }

    /** Reads until the connection closes; returns when it did, in ms from {@code since}. */
    private static long closedAfter(Socket client, long since, ByteArrayOutputStream into) throws IOException {
        InputStream in = client.getInputStream();
        byte[] buffer = new byte[8192];
        for (int n; (n = in.read(buffer)) >= 0; ) {
            into.write(buffer, 0, n);
        }
        return (System.nanoTime() - since) / 1_000_000;
    }

    @Test
    void aConnectionQuietBothWaysForTheTimeoutIsClosed() throws IOException {
        try (Socket client = connect()) {
            long opened = System.nanoTime();
            long closed = closedAfter(client, opened, new ByteArrayOutputStream());
            assertTrue(closed >= 900 && closed < 2500, "a connection that never sent a byte was closed after " + closed + " ms");
        }
        try (Socket client = connect()) {
            send(client, "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
            long asked = System.nanoTime();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            long closed = closedAfter(client, asked, answer);
            assertTrue(answer.toString(StandardCharsets.UTF_8).startsWith("HTTP/1.1 200"), answer.toString(StandardCharsets.UTF_8));
            assertTrue(closed >= 900 && closed < 2500, "a kept-alive connection quiet after its answer was closed after " + closed + " ms");
        }
    }

    @Test
    void aStreamLongerThanTheTimeoutIsRelayedWholeAndTheConnectionServesTheNextRequest() throws Exception {
        try (Socket client = connect()) {
            String body = "{\"model\":\"openrouter-a/b\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
            send(client, "POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + key
                    + "\r\nContent-Type: application/json\r\nContent-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body);
            long started = System.nanoTime();
            StringBuilder stream = new StringBuilder();
            InputStream in = client.getInputStream();
            byte[] buffer = new byte[8192];
            while (!stream.toString().contains("data: [DONE]")) {
                int n = in.read(buffer);
                assertTrue(n > 0, "the connection closed mid-stream after " + (System.nanoTime() - started) / 1_000_000 + " ms: " + stream);
                stream.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
            }
            long took = (System.nanoTime() - started) / 1_000_000;
            assertTrue(took > 2500, "the stream lasted " + took + " ms, longer than the timeout several times over");
            for (int i = 0; i < 8; i++) {
                assertTrue(stream.toString().contains("w" + i + " "), "word " + i + " relayed: " + stream);
            }
            // Until the terminating chunk arrives the answer is not over; then a pause under the timeout, and the
            // same connection answers again.
            while (!stream.toString().endsWith("0\r\n\r\n")) {
                int n = in.read(buffer);
                assertTrue(n > 0, "the connection closed before the stream's last chunk");
                stream.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
            }
            Thread.sleep(500);
            send(client, "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
            int n = in.read(buffer);
            assertTrue(n > 0, "the kept-alive connection answered after a 500 ms pause");
            assertEquals("HTTP/1.1 200", new String(buffer, 0, 12, StandardCharsets.UTF_8));
        }
    }
}
