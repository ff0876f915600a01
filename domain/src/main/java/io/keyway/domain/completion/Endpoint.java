package io.keyway.domain.completion;

/** The OpenAI endpoints that are routed by model, each with its path under an upstream's base URL. */
public enum Endpoint {
    CHAT_COMPLETIONS("chat/completions"),
    COMPLETIONS("completions"),
    EMBEDDINGS("embeddings"),
    RESPONSES("responses");

    private final String path;

    Endpoint(String path) {
        this.path = path;
    }

    public String path() {
        return path;
    }
}
