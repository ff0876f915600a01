package io.keyway.bootstrap;

import io.keyway.testkit.KeywayExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A client that stops reading a stream holds its upstream back: the relay asks the upstream for more only as the
 * client's connection takes what it has (StreamedBody's window), so a slow reader costs socket buffers, not the
 * gateway's memory. Then every byte still arrives, in order.
 */
class SlowReaderTest {
    @RegisterExtension
    static final KeywayExtension keyway = KeywayExtension.standard();

    /** 64 MB offered as fast as the relay takes it, in events of 8 KB. */
    private static final int EVENTS = 8 * 1024;
    private static final String EVENT = "data: {\"choices\":[{\"delta\":{\"content\":\"" + "x".repeat(8 * 1024 - 48) + "\"}}]}\n\n";

    @Test
    void aClientThatStopsReadingHoldsItsUpstreamBackAndThenGetsEveryByte() throws Exception {
        AtomicLong sent = new AtomicLong();
        keyway.openRouter().answer("chat/completions", exchange -> {
            exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
            exchange.sendResponseHeaders(200, 0);
            OutputStream out = exchange.getResponseBody();
            byte[] event = EVENT.getBytes(StandardCharsets.UTF_8);
            for (int i = 0; i < EVENTS; i++) {
                out.write(event);
                out.flush();
                sent.addAndGet(event.length);
            }
            out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
        });
        long offered = (long) EVENTS * EVENT.length();
        String body = "{\"model\":\"openrouter-a/b\",\"stream\":true,\"messages\":[]}";
        try (Socket client = new Socket("127.0.0.1", keyway.gateway().uri("/").getPort())) {
            client.setReceiveBufferSize(64 * 1024);
            // A relay that stops for good fails here rather than at the server's idle timeout.
            client.setSoTimeout(15_000);
            OutputStream request = client.getOutputStream();
            request.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + keyway.gatewayKey()
                    + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n" + body).getBytes(StandardCharsets.UTF_8));
            request.flush();
            InputStream response = client.getInputStream();
            byte[] first = new byte[4096];
            int firstRead = response.read(first);
            assertTrue(firstRead > 0, "the stream started");

            // The client reads nothing for two seconds: the upstream gets to send only what the buffers on the way hold.
            Thread.sleep(2_000);
            long whilePaused = sent.get();
            assertTrue(whilePaused < offered / 4, "the upstream sent " + whilePaused + " of " + offered
                    + " bytes to a client that read nothing: the relay buffered them");

            ByteArrayOutputStream rest = new ByteArrayOutputStream();
            rest.write(first, 0, firstRead);
            byte[] buffer = new byte[64 * 1024];
            String last = "";
            for (int n; (n = response.read(buffer)) > 0; ) {
                rest.write(buffer, 0, n);
                last = (last + new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
                last = last.substring(Math.max(0, last.length() - 16));
                if (last.endsWith("\r\n0\r\n\r\n")) {
                    break;
                }
            }
            String all = dechunked(rest.toString(StandardCharsets.ISO_8859_1));
            assertEquals(offered, sent.get(), "the upstream sent everything once the client read");
            assertEquals(EVENT.repeat(EVENTS) + "data: [DONE]\n\n", all, "every byte arrived, in order");
        }
    }

    /** The body of an HTTP/1.1 response with chunked transfer coding, its framing removed. */
    private static String dechunked(String response) {
        int at = response.indexOf("\r\n\r\n") + 4;
        StringBuilder body = new StringBuilder();
        while (true) {
            int lineEnd = response.indexOf("\r\n", at);
            int size = Integer.parseInt(response.substring(at, lineEnd).strip(), 16);
            if (size == 0) {
                return body.toString();
            }
            body.append(response, lineEnd + 2, lineEnd + 2 + size);
            at = lineEnd + 2 + size + 2;
        }
    }
}
