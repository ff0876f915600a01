package io.keyway.application;

import io.keyway.domain.port.CompletionProvider;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The completion providers known to this gateway, by the name routes use. */
public final class Upstreams {
    private final Map<String, CompletionProvider> byName = new LinkedHashMap<>();

    public Upstreams(List<CompletionProvider> providers) {
        for (CompletionProvider provider : providers) {
            if (byName.putIfAbsent(provider.name(), provider) != null) {
                throw new IllegalArgumentException("two upstreams are named '" + provider.name() + "'");
            }
        }
    }

    public Optional<CompletionProvider> named(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /** The provider a route names; its absence is a wiring bug, not a caller's mistake. */
    CompletionProvider wired(String name) {
        return named(name).orElseThrow(() -> new IllegalStateException("no upstream is wired for route '" + name + "'"));
    }
}
