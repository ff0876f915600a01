package io.keyway.archfixture.openai;

import io.keyway.archfixture.bootstrap.Main;

/** Wrong, and only against the bootstrap clause: an adapter depends on the bootstrap module. */
public class ClientThatKnowsTheMain {
    public String main() {
        return Main.class.getName();
    }
}
