package io.keyway.bootstrap.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JsonLineLayoutTest {
    private static final String KEY = "kw-0123456789abcdef_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh886729c18";
    private final LoggerContext context = new LoggerContext();
    private final Logger logger = context.getLogger("io.keyway.http.RequestIds");

    private String layout(LoggingEvent event) {
        JsonLineLayout layout = new JsonLineLayout();
        layout.setContext(context);
        layout.start();
        return layout.doLayout(event);
    }

    @Test
    void everyLineIsOneJsonObjectWithTheMessageRedacted() throws Exception {
        LoggingEvent event = new LoggingEvent("x", logger, Level.INFO, "request_id={} GET /v1/keys/{} model={} -> 404",
                null, new Object[]{"req_1", KEY, "evil\n12:00:00.000 INFO forged \"line\""});

        String line = layout(event);

        assertTrue(line.endsWith("\n") && line.indexOf('\n') == line.length() - 1, "one line: " + line);
        JsonNode json = new ObjectMapper().readTree(line);
        assertEquals("INFO", json.get("level").asText());
        assertEquals("io.keyway.http.RequestIds", json.get("logger").asText());
        assertTrue(json.get("message").asText().contains("kw-0123456789abcdef_[REDACTED]"), json.toString());
        assertTrue(json.get("message").asText().contains("evil\n12:00:00.000 INFO forged \"line\""), "the text survives, escaped");
        assertFalse(line.contains(KEY.substring(20)));
        assertTrue(json.get("time").asText().endsWith("Z"));
    }

    @Test
    void aStackTraceIsOneFieldRedactedToo() throws Exception {
        LoggingEvent event = new LoggingEvent("x", logger, Level.WARN, "failed", new IllegalStateException("Bearer sk-or-v1-leak-0001"), null);

        JsonNode json = new ObjectMapper().readTree(layout(event));

        assertTrue(json.get("error").asText().startsWith("java.lang.IllegalStateException"), json.toString());
        assertFalse(json.toString().contains("sk-or-v1-leak-0001"));
    }
}
