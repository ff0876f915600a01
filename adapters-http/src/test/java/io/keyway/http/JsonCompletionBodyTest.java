package io.keyway.http;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JsonCompletionBodyTest {
    private static JsonCompletionBody parse(String json) throws BadRequest {
        return JsonCompletionBody.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void onlyTheTopLevelModelValueIsReplacedAndEveryOtherByteKept() throws BadRequest {
        String json = "{ \"messages\":[{\"model\":\"inner\"}],\n \"model\" : \"openrouter-a\\/b\", \"n\":1.50e0, \"x\":\"\\u00e9\"}";

        JsonCompletionBody body = parse(json);

        assertEquals("openrouter-a/b", body.model());
        assertEquals(json.replace("\"openrouter-a\\/b\"", "\"a/b\""), new String(body.withModel("a/b"), StandardCharsets.UTF_8));
    }

    @Test
    void aReplacementModelIsEscaped() throws BadRequest {
        assertEquals("{\"model\":\"a\\\"b\\\\c\"}", new String(parse("{\"model\":\"m\"}").withModel("a\"b\\c"), StandardCharsets.UTF_8));
    }

    @Test
    void streamIsReadAsABooleanOnly() throws BadRequest {
        assertTrue(parse("{\"model\":\"m\",\"stream\":true}").stream());
        assertFalse(parse("{\"model\":\"m\",\"stream\":false}").stream());
        assertFalse(parse("{\"model\":\"m\",\"stream\":null}").stream());
        assertEquals("stream", assertThrows(BadRequest.class, () -> parse("{\"model\":\"m\",\"stream\":1}")).param());
    }

    @Test
    void badBodiesNameTheFieldAndNeverEchoValues() {
        assertEquals("model", assertThrows(BadRequest.class, () -> parse("{\"model\":\"\"}")).param());
        assertEquals("model", assertThrows(BadRequest.class, () -> parse("{\"model\":[\"m\"]}")).param());
        assertEquals("model", assertThrows(BadRequest.class, () -> parse("{\"model\":\"a\",\"model\":\"b\"}")).param());
        BadRequest malformed = assertThrows(BadRequest.class, () -> parse("{\"model\":\"sk-secret-value\", oops}"));
        assertFalse(malformed.getMessage().contains("sk-secret"));
        assertThrows(BadRequest.class, () -> parse("{\"model\":\"m\"} {}"));
        assertThrows(BadRequest.class, () -> parse("[]"));
        assertThrows(BadRequest.class, () -> JsonCompletionBody.parse(new byte[0]));
    }

    @Test
    void fallbacksAreReadAndCutOutWithOneCommaWhereverTheyStand() throws BadRequest {
        JsonCompletionBody first = parse("{\"fallbacks\" : [\"b\", \"c\"] ,\"model\":\"a\",\"n\":1}");
        assertEquals(java.util.List.of("b", "c"), first.fallbacks());
        assertEquals("{\"model\":\"x\",\"n\":1}", new String(first.withModel("x"), StandardCharsets.UTF_8));
        JsonCompletionBody middle = parse("{\"model\":\"a\", \"fallbacks\":[\"b\"], \"n\":1}");
        assertEquals("{\"model\":\"x\",  \"n\":1}", new String(middle.withModel("x"), StandardCharsets.UTF_8), "only the member and its comma go");
        JsonCompletionBody last = parse("{\"model\":\"a\",\"n\":1 , \"fallbacks\":[]}");
        assertEquals("{\"model\":\"x\",\"n\":1 }", new String(last.withModel("x"), StandardCharsets.UTF_8));
        assertEquals(java.util.List.of(), parse("{\"model\":\"a\"}").fallbacks());
    }

    @Test
    void badFallbacksAndLongModelNamesAreRefusedNamingTheField() {
        assertEquals("fallbacks", assertThrows(BadRequest.class, () -> parse("{\"model\":\"a\",\"fallbacks\":\"b\"}")).param());
        assertEquals("fallbacks", assertThrows(BadRequest.class, () -> parse("{\"model\":\"a\",\"fallbacks\":[1]}")).param());
        assertEquals("fallbacks", assertThrows(BadRequest.class, () -> parse("{\"model\":\"a\",\"fallbacks\":[\"b\",\"c\",\"d\",\"e\"]}")).param());
        assertEquals("fallbacks", assertThrows(BadRequest.class, () -> parse("{\"model\":\"a\",\"fallbacks\":[\"" + "m".repeat(257) + "\"]}")).param());
        BadRequest tooLong = assertThrows(BadRequest.class, () -> parse("{\"model\":\"" + "m".repeat(257) + "\"}"));
        assertEquals("model", tooLong.param());
        assertTrue(tooLong.getMessage().contains("at most 256"), tooLong.getMessage());
    }
}
