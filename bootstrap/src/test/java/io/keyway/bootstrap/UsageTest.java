package io.keyway.bootstrap;

import io.keyway.domain.testkit.Await;

import io.keyway.domain.testkit.FakeUpstream;
import io.keyway.testkit.Gateway;
import io.keyway.testkit.KeywayExtension;
import io.micronaut.json.JsonMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Usage recorded from what the upstream answered (JSON, streams, cut streams, embeddings, responses) and read back
 * over HTTP from PostgreSQL: tokens and cost summed exactly, grouped and ranged as asked.
 */
class UsageTest {
    @RegisterExtension
    static final KeywayExtension keyway = KeywayExtension.builder().operatorUpstream("local", "local-embed", "local-chat")
            .property("keyway.usage.flush-interval", "100ms")
            .property("keyway.openrouter.idle-timeout", "500ms")
            .build();

    private final Gateway gateway = keyway.gateway();
    private final FakeUpstream openRouter = keyway.openRouter();
    private final String management = gateway.createAccount("usage-" + System.nanoTime());
    private final String key = gateway.createGatewayKey(management, "sk-or-v1-usage-" + System.nanoTime());


    /** The report, with each cost as the exact decimal text the answer carried (a JSON double would round it). */
    @SuppressWarnings("unchecked")
    private Map<String, Object> report(String path, String bearer) throws Exception {
        HttpResponse<String> answer = gateway.get(path, bearer);
        assertEquals(200, answer.statusCode(), answer.body());
        String exact = answer.body().replaceAll("\"cost\":([-0-9.eE+]+)", "\"cost\":\"$1\"");
        return gateway.context().getBean(JsonMapper.class).readValue(exact, Map.class);
    }

    /** The report once it counts {@code requests} (records are written every 100 ms here). */
    @SuppressWarnings("unchecked")
    private Map<String, Object> reportCounting(String path, String bearer, long requests) {
        return Await.value(() -> {
            try {
                return report(path, bearer);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, report -> ((Number) ((Map<String, Object>) report.get("total")).get("requests")).longValue() >= requests,
                Duration.ofSeconds(5), "a report counting " + requests + " request(s)");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> total(Map<String, Object> report) {
        return (Map<String, Object>) report.get("total");
    }

    private static long number(Map<String, Object> row, String field) {
        return ((Number) row.get(field)).longValue();
    }

    private static BigDecimal cost(Map<String, Object> row) {
        return new BigDecimal(row.get("cost").toString());
    }

    private static String chatWithUsage(long prompt, long completion, String cost) {
        return "{\"id\":\"gen-1\",\"object\":\"chat.completion\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
                + "\"content\":\"the word \\\"usage\\\" in a reply\"},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":" + prompt
                + ",\"completion_tokens\":" + completion + ",\"total_tokens\":" + (prompt + completion)
                + ",\"prompt_tokens_details\":{\"cached_tokens\":3},\"completion_tokens_details\":{\"reasoning_tokens\":2},\"cost\":" + cost + "}}";
    }

    @Test
    void jsonAnswersStreamsEmbeddingsAndResponsesAreSummedExactly() throws Exception {
        openRouter.answer("chat/completions", FakeUpstream.json(200, chatWithUsage(11, 7, "0.000123")));
        assertEquals(200, gateway.post("/v1/chat/completions", key, "{\"model\":\"openrouter-a/b\"}").statusCode());

        openRouter.answer("chat/completions", FakeUpstream.eventStream(List.of(
                "data: {\"choices\":[{\"delta\":{\"content\":\"hi\"}}]}\n\n",
                "data: {\"choices\":[{\"delta\":{}}],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":9,\"total_tokens\":14,\"cost\":0.00000700000001}}\n\n",
                "data: [DONE]\n\n"), Duration.ofMillis(5)));
        assertEquals(200, gateway.post("/v1/chat/completions", key, "{\"model\":\"openrouter-a/b\",\"stream\":true}").statusCode());

        openRouter.answer("embeddings", FakeUpstream.json(200, "{\"object\":\"list\",\"data\":[{\"object\":\"embedding\",\"index\":0,"
                + "\"embedding\":[0.1,0.2]}],\"model\":\"e\",\"usage\":{\"prompt_tokens\":4,\"total_tokens\":4,\"cost\":0.0000004}}"));
        assertEquals(200, gateway.post("/v1/embeddings", key, "{\"model\":\"openrouter-e\",\"input\":\"x\"}").statusCode());

        openRouter.answer("responses", FakeUpstream.json(200, "{\"id\":\"resp_1\",\"object\":\"response\",\"status\":\"completed\","
                + "\"usage\":{\"input_tokens\":20,\"output_tokens\":30,\"total_tokens\":50,\"output_tokens_details\":{\"reasoning_tokens\":10},"
                + "\"cost\":0.001},\"user\":null}"));
        assertEquals(200, gateway.post("/v1/responses", key, "{\"model\":\"openrouter-r\",\"input\":\"x\"}").statusCode());

        openRouter.answer("responses", FakeUpstream.eventStream(List.of(
                "event: response.created\ndata: {\"type\":\"response.created\",\"response\":{\"status\":\"in_progress\",\"usage\":null}}\n\n",
                "event: response.completed\ndata: {\"type\":\"response.completed\",\"response\":{\"status\":\"completed\","
                        + "\"usage\":{\"input_tokens\":1,\"output_tokens\":2,\"total_tokens\":3,\"cost\":0.5}}}\n\n"), Duration.ofMillis(5)));
        assertEquals(200, gateway.post("/v1/responses", key, "{\"model\":\"openrouter-r\",\"input\":\"x\",\"stream\":true}").statusCode());

        Map<String, Object> total = total(reportCounting("/v1/key/usage", key, 5));
        assertEquals(5, number(total, "requests"));
        assertEquals(11 + 5 + 4 + 20 + 1, number(total, "prompt_tokens"), () -> UsageDatabase.rows(key.substring(3, 19)).toString());
        assertEquals(7 + 9 + 30 + 2, number(total, "completion_tokens"));
        assertEquals(18 + 14 + 4 + 50 + 3, number(total, "total_tokens"));
        assertEquals(0, new BigDecimal("0.000123").add(new BigDecimal("0.00000700000001")).add(new BigDecimal("0.0000004"))
                .add(new BigDecimal("0.001")).add(new BigDecimal("0.5")).compareTo(cost(total)), "cost " + total.get("cost"));

        List<Map<String, Object>> rows = UsageDatabase.rows(key.substring(3, 19));
        assertEquals(List.of("chat/completions", "chat/completions", "embeddings", "responses", "responses"),
                rows.stream().map(row -> (String) row.get("endpoint")).sorted().toList());
        Map<String, Object> json = rows.stream().filter(row -> Long.valueOf(11).equals(row.get("prompt_tokens"))).findFirst().orElseThrow();
        assertEquals(List.of(3L, 2L, false, "completed", 200, "openrouter-a/b", "openrouter"),
                List.of(json.get("cached_tokens"), json.get("reasoning_tokens"), json.get("streamed"), json.get("outcome"),
                        json.get("status"), json.get("model"), json.get("upstream")));
    }

    @Test
    void aCutStreamAndAnUpstreamErrorAreRecordedWithWhatWasSeen() throws Exception {
        openRouter.answer("chat/completions", FakeUpstream.streamThenSilence("data: {\"choices\":[{\"delta\":{\"content\":\"hi\"}}]}\n\n",
                Duration.ofSeconds(3)));
        try {
            gateway.post("/v1/chat/completions", key, "{\"model\":\"openrouter-a/b\",\"stream\":true}");
        } catch (IllegalStateException brokenTransfer) {
            // what a cut stream looks like to the client: the transfer breaks after the error event
        }
        openRouter.answer("chat/completions", FakeUpstream.json(429, "{\"error\":{\"message\":\"slow down\",\"code\":429}}"));
        assertEquals(429, gateway.post("/v1/chat/completions", key, "{\"model\":\"openrouter-a/b\"}").statusCode());

        reportCounting("/v1/key/usage", key, 2);
        List<Map<String, Object>> rows = UsageDatabase.rows(key.substring(3, 19));
        assertEquals(2, rows.size(), rows.toString());
        Map<String, Object> cut = rows.stream().filter(row -> Boolean.TRUE.equals(row.get("streamed"))).findFirst().orElseThrow();
        assertEquals("cut", cut.get("outcome"));
        assertEquals(200, cut.get("status"));
        assertEquals(null, cut.get("total_tokens"));
        Map<String, Object> refused = rows.stream().filter(row -> Boolean.FALSE.equals(row.get("streamed"))).findFirst().orElseThrow();
        assertEquals(429, refused.get("status"));
        assertEquals("completed", refused.get("outcome"));
    }

    @Test
    void aStreamTheClientLeavesIsRecordedAsCancelled() throws Exception {
        openRouter.answer("chat/completions", FakeUpstream.streamThenSilence("data: {\"choices\":[{\"delta\":{\"content\":\"hi\"}}]}\n\n",
                Duration.ofSeconds(2)));
        java.net.http.HttpRequest request = java.net.http.HttpRequest.newBuilder(gateway.uri("/v1/chat/completions"))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"model\":\"openrouter-a/b\",\"stream\":true}")).build();
        HttpResponse<java.io.InputStream> open = gateway.http().send(request, HttpResponse.BodyHandlers.ofInputStream());
        try (java.io.InputStream events = open.body()) {
            assertEquals(200, open.statusCode());
            assertTrue(events.read() >= 0, "the first event arrived");
        }

        reportCounting("/v1/key/usage", key, 1);
        List<Map<String, Object>> rows = UsageDatabase.rows(key.substring(3, 19));
        assertEquals(1, rows.size(), rows.toString());
        assertEquals(List.of("cancelled", 200, true), List.of(rows.get(0).get("outcome"), rows.get(0).get("status"), rows.get(0).get("streamed")));
        // Left before its usage event: Keyway's estimate, marked as one (40 bytes of body: 10 prompt tokens; one event).
        assertEquals(List.of(true, 10L, 1L, 11L), List.of(rows.get(0).get("estimated"), ((Number) rows.get(0).get("prompt_tokens")).longValue(),
                ((Number) rows.get(0).get("completion_tokens")).longValue(), ((Number) rows.get(0).get("total_tokens")).longValue()), rows.toString());
        assertEquals(null, rows.get(0).get("cost"), "no cost is estimated");
        HttpResponse<String> report = gateway.get("/v1/key/usage", key);
        assertTrue(report.body().contains("\"estimated_requests\":1"), report.body());
    }

    @Test
    void aClientThatLeavesBeforeTheAnswerBeginsIsRecordedAs499Cancelled() throws Exception {
        // The upstream's status and headers arrive, no byte of its body: the gateway holds the client's response
        // until the first byte, so that a failure can still be a 502.
        openRouter.answer("chat/completions", FakeUpstream.jsonHeadersThenSilence(Duration.ofSeconds(3)));
        try (java.net.Socket client = gateway.postAndKeepOpen(key, "{\"model\":\"openrouter-a/b\"}")) {
            Await.until(() -> openRouter.count("chat/completions") == 1, Duration.ofSeconds(5), "the request reached the upstream");
            // Its headers reach the gateway just after.
            Thread.sleep(300);
        }

        reportCounting("/v1/key/usage", key, 1);
        List<Map<String, Object>> rows = UsageDatabase.rows(key.substring(3, 19));
        assertEquals(1, rows.size(), rows.toString());
        assertEquals(List.of("cancelled", 499, false), List.of(rows.get(0).get("outcome"), rows.get(0).get("status"), rows.get(0).get("streamed")));
    }

    @Test
    @SuppressWarnings("unchecked")
    void reportsGroupByDayModelAndKeyWithinTheirRange() throws Exception {
        String second = gateway.createGatewayKey(management, "sk-or-v1-usage-second-" + System.nanoTime());
        openRouter.answer("chat/completions", FakeUpstream.json(200, chatWithUsage(10, 1, "0.01")));
        gateway.post("/v1/chat/completions", key, "{\"model\":\"openrouter-a/b\"}");
        gateway.post("/v1/chat/completions", key, "{\"model\":\"openrouter-c/d\"}");
        gateway.post("/v1/chat/completions", second, "{\"model\":\"openrouter-a/b\"}");
        reportCounting("/v1/usage", management, 3);

        Map<String, Object> byModel = report("/v1/usage?group_by=model", management);
        Map<String, Object> byKey = report("/v1/usage?group_by=key", management);
        Map<String, Object> byDay = report("/v1/keys/" + key.substring(3, 19) + "/usage", management);
        Map<String, Object> own = report("/v1/key/usage?group_by=model", second);
        long now = Instant.now().getEpochSecond();
        Map<String, Object> before = report("/v1/usage?from=" + (now - 86400) + "&to=" + (now - 3600), management);
        Map<String, Object> rfc3339 = report("/v1/usage?from=" + Instant.ofEpochSecond(now - 600) + "&to=" + Instant.ofEpochSecond(now + 60), management);

        List<Map<String, Object>> models = (List<Map<String, Object>>) byModel.get("data");
        assertEquals(List.of("openrouter-a/b", "openrouter-c/d"), models.stream().map(row -> row.get("group")).toList());
        assertEquals(List.of(2L, 1L), models.stream().map(row -> number(row, "requests")).toList());
        assertEquals(0, new BigDecimal("0.03").compareTo(cost(total(byModel))));
        List<Map<String, Object>> keys = (List<Map<String, Object>>) byKey.get("data");
        assertEquals(2, keys.size());
        assertEquals(3, keys.stream().mapToLong(row -> number(row, "requests")).sum());
        List<Map<String, Object>> days = (List<Map<String, Object>>) byDay.get("data");
        assertEquals(1, days.size());
        assertEquals(java.time.LocalDate.now(java.time.ZoneOffset.UTC).toString(), days.get(0).get("group"));
        assertEquals(2, number(days.get(0), "requests"));
        assertEquals(22, number(total(byDay), "total_tokens"));
        assertEquals(1, number(total(own), "requests"), "a key reads only its own");
        assertEquals(0, number(total(before), "requests"));
        assertEquals(List.of(), before.get("data"));
        assertEquals(3, number(total(rfc3339), "requests"));
        assertEquals("usage", byModel.get("object"));
    }

    @Test
    void badParametersAreNamedAndKeysAreKeptApart() {
        Gateway.assertOpenAiError(gateway.get("/v1/key/usage?from=yesterday", key), 400, "invalid_request");
        assertEquals("from", Gateway.field(gateway.get("/v1/key/usage?from=yesterday", key).body(), "param"));
        assertEquals("to", Gateway.field(gateway.get("/v1/usage?to=2026-13-01", management).body(), "param"));
        assertEquals("group_by", Gateway.field(gateway.get("/v1/key/usage?group_by=key", key).body(), "param"));
        assertEquals("group_by", Gateway.field(gateway.get("/v1/usage?group_by=week", management).body(), "param"));
        assertEquals("from", Gateway.field(gateway.get("/v1/usage?from=2000&to=1000", management).body(), "param"));
        String other = gateway.createAccount("usage-other-" + System.nanoTime());
        Gateway.assertOpenAiError(gateway.get("/v1/keys/" + key.substring(3, 19) + "/usage", other), 404, "not_found");
        Gateway.assertOpenAiError(gateway.get("/v1/usage", key), 403, "wrong_key_kind");
        Gateway.assertOpenAiError(gateway.get("/v1/key/usage", management), 403, "wrong_key_kind");
        Gateway.assertOpenAiError(gateway.get("/v1/key/usage", null), 401, "invalid_api_key");
    }

    @Test
    void nothingIsAddedToTheRequestBody() {
        openRouter.answer("chat/completions", FakeUpstream.json(200, chatWithUsage(1, 1, "0")));
        String body = "{\"model\":\"openrouter-a/b\",\"stream\":false,\"messages\":[]}";
        gateway.post("/v1/chat/completions", key, body);
        assertEquals(body.replace("openrouter-a/b", "a/b"), openRouter.last().bodyText(), "no stream_options or usage flag added");
    }
}
