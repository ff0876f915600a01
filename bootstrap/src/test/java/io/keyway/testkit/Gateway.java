package io.keyway.testkit;

import io.keyway.persistence.testkit.TestDatabase;
import io.micronaut.context.ApplicationContext;
import java.time.Clock;
import io.micronaut.runtime.server.EmbeddedServer;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The real Keyway application started in-process on a random port against the test database, with a client that
 * speaks to it over real HTTP.
 */
public final class Gateway implements AutoCloseable {
    private static final Pattern STRING_FIELD = Pattern.compile("\"(%s)\"\\s*:\\s*\"([^\"]*)\"");

    private final EmbeddedServer server;
    private final String adminToken;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private Gateway(EmbeddedServer server, String adminToken) {
        this.server = server;
        this.adminToken = adminToken;
    }

    /** Starts Keyway with an admin token and OpenRouter at {@code openRouterBaseUrl}, plus any other properties. */
    public static Gateway start(String openRouterBaseUrl, Map<String, Object> properties) {
        return start(openRouterBaseUrl, properties, null);
    }

    /** The same, with a clock of the test's own ({@code null}: the system's) for everything that reads the time. */
    public static Gateway start(String openRouterBaseUrl, Map<String, Object> properties, Clock clock) {
        String adminToken = SecretLedger.record("admin-" + UUID.randomUUID());
        Map<String, Object> all = new HashMap<>();
        all.put("keyway.admin-token", adminToken);
        all.put("keyway.openrouter.base-url", openRouterBaseUrl);
        all.putAll(properties);
        return startWith(all, adminToken, clock);
    }

    /** Starts Keyway with exactly these properties on top of the test database. */
    public static Gateway startWith(Map<String, Object> properties, String adminToken) {
        return startWith(properties, adminToken, null);
    }

    private static Gateway startWith(Map<String, Object> properties, String adminToken, Clock clock) {
        Map<String, Object> all = TestDatabase.get().datasourceProperties();
        all.put("micronaut.server.port", -1);
        // Tests send wrong keys on purpose, many from one address: only the brute-force tests set a real limit.
        all.put("keyway.auth-failures.per-minute", 1_000_000);
        all.putAll(properties);
        if (clock == null) {
            return new Gateway(ApplicationContext.run(EmbeddedServer.class, all), adminToken);
        }
        ApplicationContext context = ApplicationContext.builder().properties(all).singletons(clock).start();
        return new Gateway(context.getBean(EmbeddedServer.class).start(), adminToken);
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.getPort() + path);
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.getPort();
    }

    public ApplicationContext context() {
        return server.getApplicationContext();
    }

    public HttpClient http() {
        return http;
    }

    public HttpResponse<String> send(String method, String path, String bearer, String json) {
        return send(method, path, bearer, json, Map.of());
    }

    public HttpResponse<String> send(String method, String path, String bearer, String json, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30))
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8));
        if (json != null) {
            request.header("Content-Type", "application/json");
        }
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        headers.forEach(request::header);
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(method + " " + path + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public HttpResponse<String> get(String path, String bearer) {
        return send("GET", path, bearer, null);
    }

    public HttpResponse<String> post(String path, String bearer, String json) {
        return send("POST", path, bearer, json);
    }

    /**
     * Sends a chat completion over a plain socket and returns the socket unread, so that a test can leave (close it)
     * at the moment it chooses: an HTTP client would hold the connection in its pool.
     */
    public java.net.Socket postAndKeepOpen(String bearer, String json) throws IOException {
        java.net.Socket client = new java.net.Socket("127.0.0.1", uri("/").getPort());
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        client.getOutputStream().write(("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + bearer
                + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        client.getOutputStream().write(body);
        client.getOutputStream().flush();
        return client;
    }

    /**
     * Reads a stream opened with {@link #postAndKeepOpen} up to the end of its first event (a {@code data: } line and
     * the blank line after it), within {@code wait}, and leaves it open. Returns what came, the status line and headers
     * included; less when the connection closed first.
     */
    public static String readToFirstEvent(java.net.Socket stream, java.time.Duration wait) throws IOException {
        stream.setSoTimeout((int) wait.toMillis());
        java.io.InputStream in = stream.getInputStream();
        StringBuilder seen = new StringBuilder();
        boolean inEvents = false;
        while (!(inEvents && endsWith(seen, "\n\n"))) {
            int next = in.read();
            if (next < 0) {
                break;
            }
            seen.append((char) next);
            inEvents = inEvents || endsWith(seen, "data: ");
        }
        return seen.toString();
    }

    private static boolean endsWith(StringBuilder text, String suffix) {
        int from = text.length() - suffix.length();
        return from >= 0 && text.indexOf(suffix, from) == from;
    }

    /** Creates an account through the admin API and returns its management key. */
    public String createAccount(String name) {
        HttpResponse<String> response = post("/admin/accounts", adminToken, "{\"name\":\"" + name + "\"}");
        if (response.statusCode() != 201) {
            throw new AssertionError("account creation answered " + response.statusCode() + ": " + response.body());
        }
        return SecretLedger.record(field(response.body(), "management_key"));
    }

    /** Creates a gateway key, with an OpenRouter key when one is given, and returns the gateway key. */
    public String createGatewayKey(String managementKey, String openRouterKey) {
        String providerKeys = openRouterKey == null ? "" : ",\"provider_keys\":{\"openrouter\":\"" + SecretLedger.record(openRouterKey) + "\"}";
        HttpResponse<String> response = post("/v1/keys", managementKey, "{\"name\":\"test key\"" + providerKeys + "}");
        if (response.statusCode() != 201) {
            throw new AssertionError("key creation answered " + response.statusCode() + ": " + response.body());
        }
        return SecretLedger.record(field(response.body(), "key"));
    }

    /** Asserts an OpenAI-shaped error: the status, a JSON {"error":{message,type,…}} body and, unless null, the code. */
    public static void assertOpenAiError(HttpResponse<String> response, int status, String code) {
        org.junit.jupiter.api.Assertions.assertEquals(status, response.statusCode(), response.body());
        org.junit.jupiter.api.Assertions.assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"),
                "not JSON: " + response.headers().firstValue("Content-Type"));
        org.junit.jupiter.api.Assertions.assertTrue(response.body().startsWith("{\"error\":{"), response.body());
        org.junit.jupiter.api.Assertions.assertTrue(response.body().contains("\"message\":\""), response.body());
        org.junit.jupiter.api.Assertions.assertTrue(response.body().contains("\"type\":\""), response.body());
        if (code != null) {
            org.junit.jupiter.api.Assertions.assertEquals(code, field(response.body(), "code"), response.body());
        }
    }

    public String adminToken() {
        return adminToken;
    }

    /** A top-level or nested string field of a JSON text, for assertions. */
    public static String field(String json, String name) {
        Matcher matcher = Pattern.compile(String.format(STRING_FIELD.pattern(), Pattern.quote(name))).matcher(json);
        if (!matcher.find()) {
            throw new AssertionError("no string field '" + name + "' in " + json);
        }
        return matcher.group(2);
    }

    @Override
    public void close() {
        server.getApplicationContext().close();
    }
}
