package io.keyway.archfixture.persistence;

import io.keyway.archfixture.openai.SomeClient;

/** Wrong, and only against the openai adapter's clause: the persistence adapter uses the upstream client. */
public class RowThatCallsAnUpstream {
    public String load(SomeClient client) {
        return client.call();
    }
}
