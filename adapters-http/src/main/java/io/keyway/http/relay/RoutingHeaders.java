package io.keyway.http.relay;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.MutableHttpResponse;

/** Where a routed answer came from: the deployment's configured name (never a key or an address) and the attempts. */
final class RoutingHeaders {
    /** The deployment that answered. */
    static final String UPSTREAM = "x-keyway-upstream";
    /** How many upstream attempts the request took. */
    static final String ATTEMPTS = "x-keyway-attempts";

    private RoutingHeaders() {
    }

    /** Adds both headers, once the deployment that answered is known ({@code deployment} not null). */
    static void add(MutableHttpResponse<?> response, @Nullable String deployment, int attempts) {
        if (deployment != null) {
            response.header(UPSTREAM, deployment);
            response.header(ATTEMPTS, Integer.toString(attempts));
        }
    }
}
