package io.keyway.archfixture.domain;

import io.keyway.archfixture.persistence.SomeRow;

/** Wrong: the domain reaches into an adapter. */
public class DomainThatKnowsARow {
    public SomeRow row() {
        return new SomeRow();
    }
}
