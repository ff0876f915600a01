package io.keyway.openai;

import reactor.core.publisher.Flux;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Some upstreams quote the key they were sent in an error ("Invalid API key sk-or-…"). An error body is read whole
 * (error bodies are small) and every occurrence of the key Keyway sent is replaced before the body goes anywhere, so
 * that the operator's key never reaches a caller and a caller's key never reaches a log or another copy.
 */
final class CredentialEchoes {
    static final String REPLACEMENT = "[REDACTED]";

    private CredentialEchoes() {
    }

    /** Whether {@code text} (a header value) carries {@code credential}, as it is or JSON-escaped ({@code \\u002d}…). */
    static boolean echoes(String text, String credential) {
        if (credential.isEmpty()) {
            return false;
        }
        return text.contains(credential) || (text.contains("\\u") && unescaped(text).contains(credential));
    }

    /** {@code \\uXXXX} escapes decoded; anything else as it is. */
    private static String unescaped(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\' && i + 5 < text.length() && text.charAt(i + 1) == 'u') {
                try {
                    out.append((char) Integer.parseInt(text.substring(i + 2, i + 6), 16));
                    i += 5;
                    continue;
                } catch (NumberFormatException notHex) {
                    // kept as it is
                }
            }
            out.append(c);
        }
        return out.toString();
    }

    static Flux<byte[]> removedFrom(Flux<byte[]> body, String credential) {
        return body.collect(ByteArrayOutputStream::new, (out, chunk) -> out.write(chunk, 0, chunk.length))
                .map(whole -> removedFrom(whole.toByteArray(), credential))
                .flux();
    }

    static byte[] removedFrom(byte[] body, String credential) {
        String text = new String(body, StandardCharsets.UTF_8);
        if (credential.isEmpty() || !text.contains(credential)) {
            return body;
        }
        return text.replace(credential, REPLACEMENT).getBytes(StandardCharsets.UTF_8);
    }
}
