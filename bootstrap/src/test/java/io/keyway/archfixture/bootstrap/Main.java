package io.keyway.archfixture.bootstrap;

import io.keyway.archfixture.application.ApplicationThatKnowsAController;

public class Main {
    public Object wire() {
        return new ApplicationThatKnowsAController();
    }
}
