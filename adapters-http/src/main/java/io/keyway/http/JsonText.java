package io.keyway.http;

import java.nio.charset.StandardCharsets;

/** Writes a JSON string literal, for the few places that splice JSON bytes by hand. */
public final class JsonText {
    private JsonText() {
    }

    public static String quote(String text) {
        StringBuilder json = new StringBuilder(text.length() + 2).append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"' || c == '\\') {
                json.append('\\').append(c);
            } else if (c < 0x20) {
                json.append(String.format("\\u%04x", (int) c));
            } else {
                json.append(c);
            }
        }
        return json.append('"').toString();
    }

    static byte[] quotedBytes(String text) {
        return quote(text).getBytes(StandardCharsets.UTF_8);
    }
}
