package io.keyway.openai;

import io.keyway.domain.testkit.BodyProbe;
import io.keyway.domain.testkit.FakeUpstream;
import io.micronaut.http.ByteBodyHttpResponse;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.client.RawHttpClient;
import org.junit.jupiter.api.Test;
import org.reactivestreams.FlowAdapters;
import reactor.core.publisher.Flux;

import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Canary for the defect {@link InFlightConnections} works around: Micronaut's HTTP client (4.10) drains the rest of a
 * response body whose subscriber cancelled, to reuse the connection, instead of closing it (micronaut-core issue
 * #2913; pull request #13261 makes it close once the discarded rest passes 64 KiB or 5 s).
 *
 * <p>It cancels a plain Micronaut client's streamed body and then has the upstream send 256 KiB more. While the
 * defect lasts, the upstream writes all of it to a connection nobody reads. When this test fails, the client Keyway
 * builds on closes abandoned connections by itself: delete {@link InFlightConnections}, the tag header and the
 * customizer argument in {@link UpstreamConnections}, and keep the contract's cancellation tests green.
 */
class MicronautDrainsCancelledBodiesCanaryTest {
    @Test
    void aCancelledBodyIsStillDrainedToTheEndByMicronautsClient() throws Exception {
        CountDownLatch cancelled = new CountDownLatch(1);
        CountDownLatch everythingWritten = new CountDownLatch(1);
        try (FakeUpstream fake = FakeUpstream.start();
             RawHttpClient client = RawHttpClient.create(URI.create(fake.baseUrl()))) {
            fake.answer("chat/completions", exchange -> {
                exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
                exchange.sendResponseHeaders(200, 0);
                OutputStream out = exchange.getResponseBody();
                out.write("data: {\"n\":0}\n\n".getBytes(StandardCharsets.UTF_8));
                out.flush();
                cancelled.await(5, TimeUnit.SECONDS);
                byte[] event = ("data: " + "x".repeat(1016) + "\n\n").getBytes(StandardCharsets.UTF_8);
                for (int i = 0; i < 256; i++) {
                    out.write(event);
                    out.flush();
                }
                everythingWritten.countDown();
            });

            ByteBodyHttpResponse<?> response = (ByteBodyHttpResponse<?>) Flux.from(client.exchange(
                    HttpRequest.POST(URI.create(fake.baseUrl() + "/chat/completions"), null), null, null)).blockFirst(Duration.ofSeconds(5));
            BodyProbe probe = BodyProbe.of(FlowAdapters.toFlowPublisher(Flux.from(response.byteBody().toByteArrayPublisher())));
            probe.awaitChunks(1, Duration.ofSeconds(5));
            probe.cancel();
            cancelled.countDown();

            assertTrue(everythingWritten.await(10, TimeUnit.SECONDS) && fake.abandonedAt().isEmpty(),
                    "Micronaut's client now closes the connection of a cancelled body (micronaut-core #13261 has landed): "
                            + "InFlightConnections can go");
        }
    }
}
