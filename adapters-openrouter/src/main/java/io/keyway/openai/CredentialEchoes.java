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
