package io.keyway.archfixture.http;

import io.keyway.archfixture.persistence.SomeRow;

/** Wrong: one adapter depends on another. */
public class SomeController {
    public SomeRow read() {
        return new SomeRow();
    }
}
