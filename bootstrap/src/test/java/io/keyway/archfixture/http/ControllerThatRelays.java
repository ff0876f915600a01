package io.keyway.archfixture.http;

import io.keyway.archfixture.http.relay.SomeRelay;

/** Right: the http adapter enters the relay room. */
public class ControllerThatRelays {
    public void answer() {
        new SomeRelay().relay();
    }
}
