package io.keyway.domain.port;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A provider's own API as {@link CompletionProviderContract} meets it: where chats go, the credential header, what
 * the caller's OpenAI request must look like when it reaches the provider, and the provider's answers, streams and
 * errors. An adapter that relays OpenAI's wire uses {@link #OPENAI} (bytes pass through unchanged); an adapter that
 * translates gives its provider's shapes and checks that what it relays says the same thing in OpenAI's.
 */
public interface ProviderWire {
    /** The path under the base URL that chat completions go to ({@code chat/completions}, {@code messages}). */
    String path();

    /** The header the provider takes its key in. */
    String credentialHeader();

    /** That header's value for {@code key}. */
    String credential(String key);

    /** The OpenAI chat completion request the contract sends through the adapter. */
    byte[] request(boolean stream);

    /** Asserts that {@code received} is {@link #request}'s body as the provider must receive it. */
    void assertSent(byte[] received, boolean stream);

    /** A whole answer of the provider's that says {@code text}. */
    String answer(String text);

    /** A stream of the provider's that says {@code words}; {@code finished}: with its closing events. */
    List<String> events(List<String> words, boolean finished);

    /** An error body of the provider's. */
    String error(int status, String message);

    /** Asserts that {@code relayed}, the adapter's bytes for {@code upstream}, is an OpenAI chat completion saying {@code text}. */
    void assertAnswer(String relayed, String upstream, String text);

    /** Asserts that {@code relayed}, the adapter's bytes for the events {@code upstream}, is an OpenAI stream saying {@code words}. */
    void assertStream(String relayed, List<String> upstream, List<String> words, boolean finished);

    /** Asserts that {@code relayed} is an OpenAI error carrying the provider's {@code message}. */
    void assertError(String relayed, String upstream, String message);

    /** OpenAI's wire, relayed byte for byte: what the provider sends is what the adapter gives back. */
    ProviderWire OPENAI = new ProviderWire() {
        private static final String BODY = "{\"model\":\"vendor/model\",  \"messages\":[{\"role\":\"user\",\"content\":\"h\\u00e9 \\ud83d\\ude00\"}],"
                + "\"temperature\":0.70,\"x_unknown\":[1e3,null,{\"deep\":true}]}";

        @Override
        public String path() {
            return "chat/completions";
        }

        @Override
        public String credentialHeader() {
            return "Authorization";
        }

        @Override
        public String credential(String key) {
            return "Bearer " + key;
        }

        @Override
        public byte[] request(boolean stream) {
            return BODY.getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public void assertSent(byte[] received, boolean stream) {
            assertArrayEquals(request(stream), received, "the request was not relayed byte for byte");
        }

        @Override
        public String answer(String text) {
            return io.keyway.domain.testkit.FakeUpstream.chatCompletion("vendor/model", text);
        }

        @Override
        public List<String> events(List<String> words, boolean finished) {
            List<String> all = io.keyway.domain.testkit.FakeUpstream.chatStream("vendor/model", words);
            return finished ? all : all.subList(0, 1 + words.size());
        }

        @Override
        public String error(int status, String message) {
            return "{\"error\":{\"message\":\"" + message + "\",\"code\":" + status + "}}";
        }

        @Override
        public void assertAnswer(String relayed, String upstream, String text) {
            assertEquals(upstream, relayed);
        }

        @Override
        public void assertStream(String relayed, List<String> upstream, List<String> words, boolean finished) {
            if (finished) {
                assertEquals(String.join("", upstream), relayed);
            } else {
                assertTrue(relayed.startsWith(upstream.get(0)), relayed);
            }
        }

        @Override
        public void assertError(String relayed, String upstream, String message) {
            assertEquals(upstream, relayed);
        }
    };
}
