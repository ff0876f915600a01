package io.keyway.archfixture.openai;

/** Right: an upstream client on its own. */
public class SomeClient {
    public String call() {
        return "answer";
    }
}
