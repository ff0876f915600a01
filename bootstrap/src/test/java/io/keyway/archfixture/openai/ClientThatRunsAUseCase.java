package io.keyway.archfixture.openai;

import io.keyway.archfixture.application.CleanUseCase;

/** Wrong, and only against the application's clause: an outgoing adapter drives a use case. */
public class ClientThatRunsAUseCase {
    public Object call(CleanUseCase useCase) {
        return useCase.run();
    }
}
