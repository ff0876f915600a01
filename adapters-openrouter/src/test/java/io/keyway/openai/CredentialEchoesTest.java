package io.keyway.openai;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The key sent upstream is replaced wherever an answer quotes it, as it is or JSON-escaped, however it is split. */
class CredentialEchoesTest {
    private static final String KEY = "sk-or-v1-0123456789abcdef/xyz";

    private static String through(List<String> reads) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CredentialEchoes.Redactor redactor = new CredentialEchoes.Redactor(KEY);
        for (String read : reads) {
            out.writeBytes(redactor.next(read.getBytes(StandardCharsets.UTF_8), false));
        }
        out.writeBytes(redactor.rest());
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void everyFormIsReplacedWhereverTheReadsSplitIt() {
        List<String> forms = List.of(KEY, KEY.replace("-", "\\u002d"), KEY.replace("-", "\\u002D").replace("/", "\\/"),
                "\\u0073\\u006b" + KEY.substring(2));
        for (String form : forms) {
            String body = "data: {\"error\":{\"message\":\"bad key " + form + " sent\"}}\n\n";
            String expected = "data: {\"error\":{\"message\":\"bad key [REDACTED]" + "*".repeat(form.length() - 10) + " sent\"}}\n\n";
            for (int cut = 0; cut <= body.length(); cut++) {
                for (int second = cut; second <= body.length(); second += 7) {
                    String relayed = through(List.of(body.substring(0, cut), body.substring(cut, second), body.substring(second)));
                    assertEquals(expected, relayed, form + " cut at " + cut + " and " + second);
                }
            }
        }
    }

    @Test
    void bytesThatOnlyLookLikeTheKeyPassUnchangedAndAnEventIsNotHeldBack() {
        String near = "sk-or-v1-0123 and \\u0041 and \\n and sk- and sk-or-v1-0123456789abcdef/xy";
        assertEquals(near, through(List.of(near)));
        CredentialEchoes.Redactor redactor = new CredentialEchoes.Redactor(KEY);
        byte[] event = "data: {\"choices\":[{\"delta\":{\"content\":\"sk\"}}]}\n\n".getBytes(StandardCharsets.UTF_8);
        assertSame(event, redactor.next(event, false), "an event that ends with a blank line is passed on whole, uncopied");
        byte[] open = "partial sk-or".getBytes(StandardCharsets.UTF_8);
        assertArrayEquals("partial ".getBytes(StandardCharsets.UTF_8), redactor.next(open, false));
        assertArrayEquals("sk-or".getBytes(StandardCharsets.UTF_8), redactor.rest(), "what was kept back ends the body");
    }

    @Test
    void aHeaderCarryingTheKeyInAnyFormIsFound() {
        assertTrue(CredentialEchoes.echoes("Bearer error=\"invalid\", key=\"" + KEY + "\"", KEY));
        assertTrue(CredentialEchoes.echoes(KEY.replace("-", "\\u002d"), KEY));
        assertFalse(CredentialEchoes.echoes("Bearer realm=\"openrouter\"", KEY));
        assertFalse(CredentialEchoes.echoes("sk-or-v1", KEY));
        // The shortest echo is the key alone; one character less cannot be one.
        assertTrue(CredentialEchoes.echoes(KEY, KEY));
        assertTrue(CredentialEchoes.echoes(KEY.replace("/", "\\/"), KEY));
        assertFalse(CredentialEchoes.echoes(KEY.substring(1), KEY));
        assertFalse(CredentialEchoes.echoes(KEY.substring(0, KEY.length() - 1), KEY));
    }
}
