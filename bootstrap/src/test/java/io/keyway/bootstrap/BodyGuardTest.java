package io.keyway.bootstrap;

import io.keyway.domain.testkit.Await;
import io.keyway.domain.testkit.FakeUpstream;
import io.keyway.testkit.Gateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.keyway.testkit.Gateway.field;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * keyway.bodies: the bytes held by request bodies in flight are capped (503 overloaded with Retry-After, before the
 * body is read), a body that trickles or pauses is cut (408), and every byte counted is given back, whatever the key.
 */
class BodyGuardTest {
    private static final String CHAT = "{\"model\":\"openrouter-a/b\",\"messages\":[]}";
    private static FakeUpstream openRouter;

    @BeforeAll
    static void start() {
        openRouter = FakeUpstream.start();
        openRouter.answer("chat/completions", FakeUpstream.json(200, FakeUpstream.chatCompletion("a/b", "hi")));
    }

    @AfterAll
    static void stop() {
        openRouter.close();
    }

    /** Opens a request declaring {@code declared} bytes of body and sends {@code sent} of them. */
    private static Socket bodyUnderway(Gateway gateway, String bearer, int declared, int sent) throws IOException {
        Socket client = new Socket("127.0.0.1", gateway.uri("/").getPort());
        client.setSoTimeout(5000);
        byte[] start = ("{\"model\":\"openrouter-a/b\",\"messages\":[],\"pad\":\"").getBytes(StandardCharsets.UTF_8);
        client.getOutputStream().write(("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + (bearer == null ? "" : "Authorization: Bearer " + bearer + "\r\n")
                + "Content-Type: application/json\r\nContent-Length: " + declared + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        byte[] body = new byte[sent];
        java.util.Arrays.fill(body, (byte) 'x');
        System.arraycopy(start, 0, body, 0, Math.min(start.length, sent));
        client.getOutputStream().write(body);
        client.getOutputStream().flush();
        return client;
    }

    /** Everything the server sends until it closes the connection, or what came before {@code wait} ran out. */
    private static String answer(Socket client, Duration wait) throws IOException {
        client.setSoTimeout((int) wait.toMillis());
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        InputStream in = client.getInputStream();
        byte[] buffer = new byte[8192];
        try {
            for (int n; (n = in.read(buffer)) > 0; ) {
                all.write(buffer, 0, n);
            }
        } catch (SocketTimeoutException | java.net.SocketException stopped) {
            // what came so far
        }
        return all.toString(StandardCharsets.UTF_8);
    }

    private static long held(Gateway gateway) {
        Matcher held = Pattern.compile("(?m)^keyway_request_bodies_held_bytes\\S* (\\S+)$").matcher(gateway.get("/prometheus", null).body());
        assertTrue(held.find(), "the held-bytes gauge");
        return (long) Double.parseDouble(held.group(1));
    }

    @Test
    void bodiesBeyondTheCapAre503BeforeTheyAreReadAndTheBytesComeBack() throws Exception {
        try (Gateway gateway = Gateway.start(openRouter.baseUrl(), Map.of("keyway.bodies.max-in-flight", "1MB"))) {
            String key = gateway.createGatewayKey(gateway.createAccount("bodies-cap"), "sk-or-v1-bodies-cap-0001");
            try (Socket first = bodyUnderway(gateway, key, 700_000, 50_000)) {
                Await.until(() -> held(gateway) == 700_000, Duration.ofSeconds(5), "a declared body is reserved whole");
                try (Socket second = bodyUnderway(gateway, null, 400_000, 10)) {
                    String refused = answer(second, Duration.ofSeconds(5));
                    assertTrue(refused.startsWith("HTTP/1.1 503"), refused);
                    assertTrue(refused.toLowerCase().contains("retry-after: 1"), refused);
                    assertTrue(refused.toLowerCase().contains("connection: close"), refused);
                    assertTrue(refused.toLowerCase().contains("x-request-id: req_"), refused);
                    String json = refused.substring(refused.indexOf("\r\n\r\n") + 4);
                    assertEquals("overloaded", field(json, "code"), json);
                }
                long started = System.nanoTime();
                HttpResponse<String> health = gateway.get("/health", null);
                assertEquals(200, health.statusCode());
                assertTrue((System.nanoTime() - started) / 1_000_000 < 1000, "health answered while bodies are held");
                assertEquals(200, gateway.post("/v1/chat/completions", key, CHAT).statusCode(), "a small body still fits");
            }
            Await.until(() -> held(gateway) == 0, Duration.ofSeconds(5), "a connection that left gives its reservation back");
            for (int i = 0; i < 20; i++) {
                assertEquals(200, gateway.post("/v1/chat/completions", key, CHAT.replace("[]", "[" + "{\"role\":\"user\",\"content\":\"" + "y".repeat(40_000) + "\"}" + "]")).statusCode());
                assertEquals(401, gateway.post("/v1/chat/completions", null, CHAT).statusCode());
            }
            assertEquals(0, held(gateway), "answered requests hold nothing");
            try (Socket later = bodyUnderway(gateway, key, 900_000, 10)) {
                Await.until(() -> held(gateway) == 900_000, Duration.ofSeconds(5), "the whole cap is free again");
            }
        }
    }

    @Test
    void liveStreamsDoNotHoldTheCapWithTheirPrompts() throws Exception {
        openRouter.answer("chat/completions", FakeUpstream.streamThenSilence(
                "data: {\"choices\":[{\"delta\":{\"content\":\"hi\"}}]}\n\n", Duration.ofSeconds(20)));
        List<Socket> streams = new ArrayList<>();
        try (Gateway gateway = Gateway.start(openRouter.baseUrl(), Map.of("keyway.bodies.max-in-flight", "1MB"))) {
            String key = gateway.createGatewayKey(gateway.createAccount("bodies-streams"), "sk-or-v1-bodies-streams-01");
            String prompt = "{\"model\":\"openrouter-a/b\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\""
                    + "z".repeat(400_000) + "\"}]}";
            // Five streams of 400 KB prompts, open at once: twice the cap, admitted one after another.
            for (int i = 0; i < 5; i++) {
                Socket stream = gateway.postAndKeepOpen(key, prompt);
                streams.add(stream);
                String head = Gateway.readToFirstEvent(stream, Duration.ofSeconds(10));
                assertTrue(head.startsWith("HTTP/1.1 200"), "stream " + (i + 1) + ": " + head);
                Await.until(() -> held(gateway) == 0, Duration.ofSeconds(5), "a stream under way holds nothing of its body");
            }
        } finally {
            for (Socket stream : streams) {
                stream.close();
            }
            openRouter.answer("chat/completions", FakeUpstream.json(200, FakeUpstream.chatCompletion("a/b", "hi")));
        }
    }

    @Test
    void aBodyThatTricklesOrPausesIsCutWith408() throws Exception {
        try (Gateway gateway = Gateway.start(openRouter.baseUrl(), Map.of("keyway.bodies.min-rate", "20KB",
                "keyway.bodies.rate-grace", "1s", "keyway.bodies.idle-timeout", "1s"))) {
            String key = gateway.createGatewayKey(gateway.createAccount("bodies-slow"), "sk-or-v1-bodies-slow-0001");
            long started = System.nanoTime();
            try (Socket paused = bodyUnderway(gateway, key, 100_000, 100)) {
                String cut = answer(paused, Duration.ofSeconds(5));
                long tookMillis = (System.nanoTime() - started) / 1_000_000;
                assertTrue(cut.startsWith("HTTP/1.1 408"), cut);
                assertEquals("request_timeout", field(cut.substring(cut.indexOf("\r\n\r\n") + 4), "code"));
                assertTrue(tookMillis >= 900 && tookMillis < 3000, "cut after " + tookMillis + " ms");
            }
            // 10 KB a second, never pausing a whole second: cut for its rate once the grace is over.
            try (Socket trickle = bodyUnderway(gateway, key, 1_000_000, 100)) {
                long begun = System.nanoTime();
                String cut = "";
                for (int i = 0; i < 40 && cut.isEmpty(); i++) {
                    try {
                        trickle.getOutputStream().write(new byte[2_500]);
                        trickle.getOutputStream().flush();
                    } catch (IOException closed) {
                        break;
                    }
                    trickle.setSoTimeout(250);
                    cut = answer(trickle, Duration.ofMillis(250));
                }
                if (cut.isEmpty()) {
                    cut = answer(trickle, Duration.ofSeconds(2));
                }
                long tookMillis = (System.nanoTime() - begun) / 1_000_000;
                assertTrue(cut.startsWith("HTTP/1.1 408"), "after " + tookMillis + " ms: " + cut);
                assertTrue(tookMillis < 4000, "cut after " + tookMillis + " ms");
            }
            // Without a key: the 401 comes first, and the rest of a paused body is cut all the same.
            try (Socket keyless = bodyUnderway(gateway, null, 100_000, 100)) {
                String refused = answer(keyless, Duration.ofSeconds(4));
                assertTrue(refused.startsWith("HTTP/1.1 401"), refused);
            }
            Await.until(() -> held(gateway) == 0, Duration.ofSeconds(5), "cut bodies hold nothing");
            assertEquals(200, gateway.post("/v1/chat/completions", key, CHAT).statusCode(), "a body sent at once is never cut");
        }
    }
}
