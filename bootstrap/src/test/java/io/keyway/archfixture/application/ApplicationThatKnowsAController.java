package io.keyway.archfixture.application;

import io.keyway.archfixture.domain.CleanModel;
import io.keyway.archfixture.http.SomeController;

/** Wrong: a use case depends on an HTTP adapter (the application rule; in the layered rule, only the HTTP clause). */
public class ApplicationThatKnowsAController {
    public CleanModel handle(SomeController controller) {
        return new CleanModel(controller.toString());
    }
}
