package io.keyway.application;

import io.keyway.domain.model.ProviderId;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The providers a user may bring a key for on this gateway, in the order the operator listed them (OpenRouter first
 * as shipped): what the router routes by prefix, what the console offers, what {@code GET /v1/providers} lists.
 */
public record EnabledProviders(List<Provider> all) {
    /** @param title the name people know it by, e.g. {@code OpenRouter} */
    public record Provider(ProviderId id, String title) {
    }

    public EnabledProviders {
        all = List.copyOf(all);
    }

    public Set<ProviderId> ids() {
        return all.stream().map(Provider::id).collect(Collectors.toCollection(java.util.LinkedHashSet::new));
    }
}
