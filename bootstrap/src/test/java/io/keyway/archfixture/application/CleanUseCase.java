package io.keyway.archfixture.application;

import io.keyway.archfixture.domain.CleanModel;

/** Right: a use case that knows the domain only. */
public class CleanUseCase {
    public CleanModel run() {
        return new CleanModel("done");
    }
}
