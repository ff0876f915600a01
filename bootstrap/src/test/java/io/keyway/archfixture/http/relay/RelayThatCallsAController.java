package io.keyway.archfixture.http.relay;

import io.keyway.archfixture.http.SomeController;

/** Wrong, and only against the relay's clause on what it uses: the relay reaches back into a controller. */
public class RelayThatCallsAController {
    public Object read(SomeController controller) {
        return controller.read();
    }
}
