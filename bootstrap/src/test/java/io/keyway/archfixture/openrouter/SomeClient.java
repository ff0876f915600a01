package io.keyway.archfixture.openrouter;

/** Right: an upstream client on its own. */
public class SomeClient {
    public String call() {
        return "answer";
    }
}
