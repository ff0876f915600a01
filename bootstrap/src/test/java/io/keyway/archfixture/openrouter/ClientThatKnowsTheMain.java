package io.keyway.archfixture.openrouter;

import io.keyway.archfixture.bootstrap.Main;

/** Wrong: an adapter depends on the bootstrap module. */
public class ClientThatKnowsTheMain {
    public String main() {
        return Main.class.getName();
    }
}
