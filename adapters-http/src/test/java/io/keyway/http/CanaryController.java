package io.keyway.http;

import io.micronaut.context.annotation.Requires;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/** Endpoints that show how Micronaut's server treats a client that leaves and a body that fails (canary tests only). */
@Controller("/canary")
@Requires(env = "framework-canary")
class CanaryController {
    static volatile CountDownLatch pendingCancelled = new CountDownLatch(1);

    @Get(uri = "/pending", produces = MediaType.TEXT_PLAIN)
    Mono<String> pending() {
        return Mono.<String>never().doOnCancel(() -> pendingCancelled.countDown());
    }

    @Get(uri = "/cut", produces = MediaType.TEXT_EVENT_STREAM)
    Flux<byte[]> cut() {
        return Flux.concat(Flux.just("data: {\"n\":1}\n\n".getBytes(StandardCharsets.UTF_8)),
                Mono.delay(Duration.ofMillis(100)).thenMany(Flux.just("data: {\"error\":\"last words\"}\n\n".getBytes(StandardCharsets.UTF_8))),
                Flux.error(new IllegalStateException("cut")));
    }
}
