package io.keyway.bootstrap.logging;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;

class LogTextTest {
    private static final String GATEWAY_KEY = "kw-0123456789abcdef_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh886729c18";

    @Test
    void keywayKeysKeepTheirKindAndIdAndLoseTheirSecret() {
        assertEquals("GET /v1/keys/kw-0123456789abcdef_[REDACTED] -> 404", LogText.line("GET /v1/keys/" + GATEWAY_KEY + " -> 404"));
        assertEquals("kwm-0123456789abcdef_[REDACTED]", LogText.line("kwm-0123456789abcdef_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8c70ca7ea"));
    }

    @Test
    void providerKeysAndAuthorizationValuesAreRedacted() {
        assertEquals("sent sk-or-[REDACTED] and sk-proj-[REDACTED]", LogText.line("sent sk-or-v1-abcdef0123456789 and sk-proj-abcdefghijklmnopqrstuvwx"));
        assertEquals("Authorization: Bearer [REDACTED]", LogText.line("Authorization: Bearer whatever-the-client-sent"));
        assertEquals("authorization=[REDACTED], next", LogText.line("authorization=opaque-token-123, next"));
        assertEquals("{\"Authorization\":\"[REDACTED]\"}", LogText.line("{\"Authorization\":\"opaque\"}"));
        assertEquals("basic [REDACTED]", LogText.line("basic dXNlcjpwYXNz"));
    }

    @Test
    void controlCharactersCannotStartALine() {
        String forged = LogText.line("model=x\n12:00:00.000 INFO  [main] io.keyway.Forged - admin logged in\r\u001b[31m\u2028");

        assertFalse(forged.contains("\n") || forged.contains("\r") || forged.contains("\u001b") || forged.contains("\u2028"), forged);
        assertEquals("model=x\\n12:00:00.000 INFO  [main] io.keyway.Forged - admin logged in\\r\\u001b[31m\\u2028", forged);
    }

    @Test
    void ordinaryTextIsLeftAsItIs() {
        String line = "request_id=req_1 POST /v1/chat/completions key=0123456789abcdef model=openrouter-a/b -> 200 in 3 ms";

        assertSame(line, LogText.line(line));
        assertEquals("Stack\n\tat x", LogText.redact("Stack\n\tat x"));
    }
}
