package io.keyway.archfixture.http;

import io.keyway.archfixture.persistence.SomeRow;

/** Wrong, and only against the persistence adapter's clause: one adapter depends on another. */
public class SomeController {
    public SomeRow read() {
        return new SomeRow();
    }
}
