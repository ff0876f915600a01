package io.keyway.bootstrap;

import io.keyway.domain.testkit.FakeUpstream;
import io.keyway.testkit.Gateway;
import io.keyway.testkit.KeywayExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StreamingTest {
    private static final Duration GAP = Duration.ofMillis(400);

    @RegisterExtension
    static final KeywayExtension keyway = KeywayExtension.standard();

    private final FakeUpstream openRouter = keyway.openRouter();
    private final Gateway gateway = keyway.gateway();
    private final String key = keyway.gatewayKey();


    private record Arrival(long nanos, String text) {
    }

    @Test
    void eventsArriveAsTheUpstreamSendsThemByteForByte() throws Exception {
        List<String> chunks = FakeUpstream.chatStream("a/b", List.of("One", " two", " three", " four"));
        openRouter.answer("chat/completions", FakeUpstream.eventStream(chunks, GAP));
        String body = "{\"model\":\"openrouter-a/b\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"count\"}]}";
        HttpRequest request = HttpRequest.newBuilder(gateway.uri("/v1/chat/completions"))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();

        HttpResponse<InputStream> response = gateway.http().send(request, HttpResponse.BodyHandlers.ofInputStream());

        assertEquals(200, response.statusCode());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
        // One Date, the gateway's own (HTTP requires it of an origin's 200), for the second it answered in.
        List<String> dates = response.headers().allValues("Date");
        assertEquals(1, dates.size(), "Date headers: " + dates);
        long skew = Duration.between(ZonedDateTime.parse(dates.get(0), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant(), Instant.now()).abs().toSeconds();
        assertTrue(skew <= 5, "Date " + dates.get(0) + " is " + skew + " s from now");
        List<Arrival> arrivals = new ArrayList<>();
        StringBuilder all = new StringBuilder();
        try (InputStream in = response.body()) {
            byte[] buffer = new byte[8192];
            int read;
            while ((read = in.read(buffer)) != -1) {
                String text = new String(buffer, 0, read, StandardCharsets.UTF_8);
                arrivals.add(new Arrival(System.nanoTime(), text));
                all.append(text);
            }
        }
        assertEquals(String.join("", chunks), all.toString(), "the stream was altered");
        assertTrue(all.toString().endsWith("data: [DONE]\n\n"));
        assertTrue(arrivals.size() >= chunks.size() - 1,
                "the stream arrived in " + arrivals.size() + " reads: it was buffered, not relayed");
        List<Long> gapsMillis = new ArrayList<>();
        for (int i = 1; i < arrivals.size(); i++) {
            gapsMillis.add((arrivals.get(i).nanos() - arrivals.get(i - 1).nanos()) / 1_000_000);
        }
        long spaced = gapsMillis.stream().filter(gap -> gap >= GAP.toMillis() / 2).count();
        assertTrue(spaced >= chunks.size() - 2, "chunks did not arrive apart: gaps " + gapsMillis);
        assertEquals("{\"model\":\"a/b\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"count\"}]}",
                openRouter.last().bodyText());
        assertEquals("text/event-stream", openRouter.last().header("Accept"));
    }

    @Test
    void aStreamRequestThatFailsUpstreamGetsTheUpstreamError() {
        openRouter.answer("chat/completions", FakeUpstream.json(402,
                "{\"error\":{\"code\":402,\"message\":\"Insufficient credits\"}}"));

        HttpResponse<String> response = gateway.post("/v1/chat/completions", key, "{\"model\":\"openrouter-a/b\",\"stream\":true}");

        // The user's own OpenRouter account is out of credit: said so, with OpenRouter's own message kept.
        Gateway.assertOpenAiError(response, 402, "provider_quota_exhausted");
        assertEquals("Insufficient credits", Gateway.field(response.body(), "message"));
    }
}
