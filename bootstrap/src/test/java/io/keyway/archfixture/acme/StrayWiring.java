package io.keyway.archfixture.acme;

import io.keyway.archfixture.bootstrap.Main;
import io.keyway.archfixture.http.SomeController;

/** Wrong: a class in a package no layer names, using the bootstrap and an adapter; only the containment check sees it. */
public class StrayWiring {
    public Object wire(SomeController controller) {
        return new Main().wire() + controller.toString();
    }
}
