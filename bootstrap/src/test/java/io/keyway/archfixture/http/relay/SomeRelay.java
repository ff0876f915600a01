package io.keyway.archfixture.http.relay;

/** Right: a relay class the http adapter may use. */
public class SomeRelay {
    public void relay() {
    }
}
