package io.keyway.archfixture.application;

import io.keyway.archfixture.http.relay.SomeRelay;

/** Wrong, and against the relay's clause on who enters it: a use case drives the relay itself. */
public class UseCaseThatRelays {
    public void run() {
        new SomeRelay().relay();
    }
}
