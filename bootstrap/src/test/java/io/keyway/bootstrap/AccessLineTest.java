package io.keyway.bootstrap;

import io.keyway.bootstrap.support.SecretsNeverLogged;
import io.keyway.domain.testkit.Await;
import io.keyway.testkit.KeywayExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** One access line per request; a load balancer's health checks at DEBUG, so that they do not bury the users' lines. */
class AccessLineTest {
    @RegisterExtension
    static final KeywayExtension keyway = KeywayExtension.standard();

    private static String accessLineOf(HttpResponse<String> answer) {
        String id = answer.headers().firstValue("x-request-id").orElseThrow();
        return Await.value(() -> {
            try {
                return Files.readAllLines(SecretsNeverLogged.LOG, StandardCharsets.UTF_8).stream()
                        .filter(line -> line.contains("RequestIds") && line.contains("request_id=" + id + " ")).findFirst();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, Optional::isPresent, Duration.ofSeconds(5), "the access line of " + id).orElseThrow();
    }

    @Test
    void healthChecksAreLoggedAtDebugAndApiCallsAtInfo() {
        String health = accessLineOf(keyway.gateway().get("/health", null));
        String models = accessLineOf(keyway.gateway().get("/v1/models", keyway.gatewayKey()));

        assertTrue(health.contains(" DEBUG ") && health.contains("GET /health -> 200"), health);
        assertTrue(models.contains(" INFO ") && models.contains("GET /v1/models"), models);
    }
}
