package io.keyway.domain.testkit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** An OpenAI-compatible upstream on loopback that records what it received and answers as told, path by path. */
public final class FakeUpstream implements AutoCloseable {
    public record Received(String method, String path, Map<String, List<String>> headers, byte[] body) {
        public String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().get(0)).findFirst().orElse(null);
        }

        public String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    @FunctionalInterface
    public interface Reply {
        void send(HttpExchange exchange) throws IOException, InterruptedException;
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final Map<String, Reply> replies = new ConcurrentHashMap<>();
    private final List<Long> abandonedAt = new CopyOnWriteArrayList<>();
    private final Set<Integer> clientPorts = ConcurrentHashMap.newKeySet();
    private volatile boolean recording = true;

    private FakeUpstream(HttpServer server) {
        this.server = server;
    }

    public static FakeUpstream start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            FakeUpstream fake = new FakeUpstream(server);
            server.setExecutor(fake.executor);
            server.createContext("/", fake::handle);
            server.start();
            return fake;
        } catch (IOException e) {
            throw new IllegalStateException("the fake upstream could not bind to loopback", e);
        }
    }

    /** The base URL to configure, under an {@code /api/v1} path as OpenRouter's is. */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/api/v1";
    }

    /** Answers requests to {@code path} (relative to the base URL, e.g. {@code chat/completions}) with {@code reply}. */
    public FakeUpstream answer(String path, Reply reply) {
        replies.put("/api/v1/" + path, reply);
        return this;
    }

    /** Stops recording requests, for load runs that would otherwise fill memory. */
    public void recordNothing() {
        recording = false;
    }

    public List<Received> received() {
        return List.copyOf(received);
    }

    public Received last() {
        if (received.isEmpty()) {
            throw new AssertionError("the fake upstream received nothing");
        }
        return received.get(received.size() - 1);
    }

    public long count(String path) {
        return received.stream().filter(r -> r.path().equals("/api/v1/" + path)).count();
    }

    /** How many connections requests came on since the start or the last reset (each has its own client port). */
    public int connectionsSeen() {
        return clientPorts.size();
    }

    public void reset() {
        clientPorts.clear();
        received.clear();
        replies.clear();
        abandonedAt.clear();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            clientPorts.add(exchange.getRemoteAddress().getPort());
            if (recording) {
                received.add(new Received(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                    Map.copyOf(exchange.getRequestHeaders()), exchange.getRequestBody().readAllBytes()));
            } else {
                // Read and dropped: a reply that takes its time holds nothing of the request.
                exchange.getRequestBody().transferTo(OutputStream.nullOutputStream());
            }
            Reply reply = replies.get(exchange.getRequestURI().getPath());
            if (reply == null) {
                json(404, "{\"error\":{\"message\":\"no such fake route\",\"code\":404}}").send(exchange);
            } else {
                reply.send(exchange);
            }
        } catch (IOException peerGone) {
            abandonedAt.add(System.nanoTime());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** When (System.nanoTime) a reply failed because its reader had gone: how a cancelled request looks from here. */
    public List<Long> abandonedAt() {
        return List.copyOf(abandonedAt);
    }

    public static Reply json(int status, String body) {
        return json(status, body, Map.of());
    }

    public static Reply json(int status, String body, Map<String, String> headers) {
        return exchange -> {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            headers.forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
        };
    }

    /** A server-sent event stream: each chunk written and flushed, then a pause of {@code gap}. */
    public static Reply eventStream(List<String> chunks, Duration gap) {
        return exchange -> {
            exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
            exchange.sendResponseHeaders(200, 0);
            OutputStream out = exchange.getResponseBody();
            for (int i = 0; i < chunks.size(); i++) {
                if (i > 0) {
                    Thread.sleep(gap.toMillis());
                }
                out.write(chunks.get(i).getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
        };
    }

    /** Each request gets the next reply of the list; the last one repeats. */
    public static Reply sequence(Reply... replies) {
        java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
        return exchange -> replies[Math.min(next.getAndIncrement(), replies.length - 1)].send(exchange);
    }

    /** Waits {@code delay} before sending anything, then replies. */
    public static Reply after(Duration delay, Reply then) {
        return exchange -> {
            Thread.sleep(delay.toMillis());
            then.send(exchange);
        };
    }

    /** Starts an event stream, sends {@code first}, then falls silent for {@code silence}. */
    public static Reply streamThenSilence(String first, Duration silence) {
        return exchange -> {
            exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
            exchange.sendResponseHeaders(200, 0);
            exchange.getResponseBody().write(first.getBytes(StandardCharsets.UTF_8));
            exchange.getResponseBody().flush();
            Thread.sleep(silence.toMillis());
        };
    }

    /** A JSON answer whose status and headers come at once, and no byte of its body for {@code silence}. */
    public static Reply jsonHeadersThenSilence(Duration silence) {
        return exchange -> {
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, 0);
            exchange.getResponseBody().flush();
            Thread.sleep(silence.toMillis());
        };
    }

    /** A JSON answer whose body is sent in two halves {@code pause} apart. */
    public static Reply jsonSlowly(int status, String body, Duration pause) {
        return exchange -> {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes, 0, bytes.length / 2);
            exchange.getResponseBody().flush();
            Thread.sleep(pause.toMillis());
            exchange.getResponseBody().write(bytes, bytes.length / 2, bytes.length - bytes.length / 2);
        };
    }

    /** A chat completion in OpenAI's shape, as OpenRouter sends it (with extra fields that must pass through). */
    public static String chatCompletion(String model, String content) {
        return "{\"id\":\"gen-123\",\"object\":\"chat.completion\",\"created\":1732000000,\"model\":\"" + model + "\","
                + "\"provider\":\"Fake\",\"system_fingerprint\":\"fp_1\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
                + "\"content\":\"" + content + "\"},\"finish_reason\":\"stop\",\"native_finish_reason\":\"stop\"}],"
                + "\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":7,\"total_tokens\":12,\"cost\":0.00012,"
                + "\"prompt_tokens_details\":{\"cached_tokens\":2}}}";
    }

    /** The SSE chunks of a streamed chat completion that says {@code words}, ending in usage and {@code [DONE]}. */
    public static List<String> chatStream(String model, List<String> words) {
        List<String> chunks = new java.util.ArrayList<>();
        chunks.add(": OPENROUTER PROCESSING\n\n");
        for (String word : words) {
            chunks.add("data: {\"id\":\"gen-9\",\"object\":\"chat.completion.chunk\",\"created\":1732000000,\"model\":\"" + model
                    + "\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"" + word + "\"},\"finish_reason\":null}]}\n\n");
        }
        chunks.add("data: {\"id\":\"gen-9\",\"object\":\"chat.completion.chunk\",\"created\":1732000000,\"model\":\"" + model
                + "\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}],"
                + "\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":" + words.size() + ",\"total_tokens\":" + (5 + words.size()) + "}}\n\n");
        chunks.add("data: [DONE]\n\n");
        return chunks;
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
