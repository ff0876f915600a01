package io.keyway.bootstrap.bench;

import io.keyway.testkit.Gateway;
import io.keyway.domain.testkit.FakeUpstream;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Keyway against the same fake upstream called directly, in one process: latency at one connection, throughput at
 * several, time to the first streamed byte. (The sealing cost is measured by JMH: bench/jmh.sh.) Prints a Markdown table. Not a test: run it with
 * {@code bench/run.sh}.
 */
public final class RelayBenchmark {
    private static final String BODY = "{\"model\":\"%s\",\"messages\":[{\"role\":\"user\",\"content\":\"Say hello\"}],\"temperature\":0.2}";

    private RelayBenchmark() {
    }

    public static void main(String[] args) {
        int status = 0;
        try {
            run();
        } catch (Exception | AssertionError e) {
            e.printStackTrace();
            status = 1;
        }
        System.exit(status);
    }

    private static void run() throws Exception {
        Duration warmup = Duration.ofSeconds(Integer.parseInt(System.getProperty("bench.warmup.seconds", "30")));
        Duration window = Duration.ofSeconds(Integer.parseInt(System.getProperty("bench.window.seconds", "10")));
        int concurrency = Integer.parseInt(System.getProperty("bench.concurrency", "8"));
        // Without TCP_NODELAY the JDK's HTTP server waits out delayed ACKs (~40 ms a request), which would swamp both sides.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        try (FakeUpstream upstream = FakeUpstream.start()) {
            upstream.answer("chat/completions", exchange -> {
                boolean stream = "text/event-stream".equals(exchange.getRequestHeaders().getFirst("Accept"));
                if (stream) {
                    FakeUpstream.eventStream(FakeUpstream.chatStream("a/b", List.of("Hel", "lo")), Duration.ZERO).send(exchange);
                } else {
                    FakeUpstream.json(200, FakeUpstream.chatCompletion("a/b", "Hello")).send(exchange);
                }
            });
            upstream.recordNothing();
            Gateway gateway = Gateway.start(upstream.baseUrl(), Map.of("micronaut.server.netty.access-logger.enabled", false));
            try {
                String key = gateway.createGatewayKey(gateway.createAccount("bench"), "sk-or-v1-benchmark-key-0000");
                HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                Target direct = new Target(http, URI.create(upstream.baseUrl() + "/chat/completions"), "sk-or-v1-benchmark-key-0000", "a/b");
                Target keyway = new Target(http, gateway.uri("/v1/chat/completions"), key, "openrouter-a/b");

                long warmUntil = System.nanoTime() + warmup.toNanos();
                while (System.nanoTime() < warmUntil) {
                    keyway.call(false);
                    direct.call(false);
                    keyway.call(true);
                }

                List<String> rows = new ArrayList<>();
                Stats directLatency = latency(direct, false, 2000);
                Stats keywayLatency = latency(keyway, false, 2000);
                rows.add(row("latency, 1 connection, p50 (ms)", directLatency.p50(), keywayLatency.p50()));
                rows.add(row("latency, 1 connection, p99 (ms)", directLatency.p99(), keywayLatency.p99()));
                double directRate = throughput(direct, concurrency, window);
                long directFailures = FAILURES.getAndSet(0);
                double keywayRate = throughput(keyway, concurrency, window);
                long keywayFailures = FAILURES.getAndSet(0);
                rows.add(row("throughput, " + concurrency + " connections (req/s)", directRate, keywayRate));
                rows.add(String.format("| failed requests during the throughput runs | %d | %d | |", directFailures, keywayFailures));
                Stats directFirst = latency(direct, true, 500);
                Stats keywayFirst = latency(keyway, true, 500);
                rows.add(row("stream, time to first byte, p50 (ms)", directFirst.p50(), keywayFirst.p50()));
                rows.add(row("stream, time to first byte, p99 (ms)", directFirst.p99(), keywayFirst.p99()));

                StringBuilder report = new StringBuilder("| measure | upstream direct | through Keyway | ratio |\n|---|---:|---:|---:|\n");
                rows.forEach(row -> report.append(row).append('\n'));
                java.nio.file.Path out = java.nio.file.Path.of(System.getProperty("bench.out", "target/bench-results.md"));
                java.nio.file.Files.writeString(out, report.toString());
            } finally {
                gateway.close();
            }
        }
    }

    private record Target(HttpClient http, URI uri, String bearer, String model) {
        /** Sends one request; returns the ms to the whole answer (or, streaming, to its first byte). */
        double call(boolean stream) throws Exception {
            String body = String.format(BODY, model).replace("\"temperature\"", stream ? "\"stream\":true,\"temperature\"" : "\"temperature\"");
            HttpRequest request = HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + bearer)
                    .header("Content-Type", "application/json").header("Accept", stream ? "text/event-stream" : "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build();
            long started = System.nanoTime();
            HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = response.body()) {
                if (response.statusCode() != 200) {
                    throw new IllegalStateException(uri + " answered " + response.statusCode());
                }
                if (stream) {
                    in.read();
                    double firstByte = (System.nanoTime() - started) / 1e6;
                    in.readAllBytes();
                    return firstByte;
                }
                in.readAllBytes();
            }
            return (System.nanoTime() - started) / 1e6;
        }
    }

    private record Stats(double p50, double p99) {
    }

    private static Stats latency(Target target, boolean stream, int requests) throws Exception {
        List<Double> times = new ArrayList<>(requests);
        for (int i = 0; i < requests; i++) {
            times.add(target.call(stream));
        }
        Collections.sort(times);
        return new Stats(times.get(requests / 2), times.get((int) (requests * 0.99)));
    }

    private static final AtomicLong FAILURES = new AtomicLong();

    private static double throughput(Target target, int concurrency, Duration window) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        AtomicLong done = new AtomicLong();
        long until = System.nanoTime() + window.toNanos();
        List<Future<?>> workers = new ArrayList<>();
        for (int i = 0; i < concurrency; i++) {
            workers.add(pool.submit(() -> {
                while (System.nanoTime() < until) {
                    try {
                        target.call(false);
                        done.incrementAndGet();
                    } catch (java.io.IOException | IllegalStateException failed) {
                        FAILURES.incrementAndGet();
                        System.err.println(target.uri() + ": " + failed);
                    }
                }
                return null;
            }));
        }
        for (Future<?> worker : workers) {
            worker.get();
        }
        pool.shutdown();
        pool.awaitTermination(5, TimeUnit.SECONDS);
        return done.get() / (window.toNanos() / 1e9);
    }

    private static String row(String measure, double direct, double keyway) {
        return String.format("| %s | %.2f | %.2f | %.2f× |", measure, direct, keyway, keyway / direct);
    }
}
