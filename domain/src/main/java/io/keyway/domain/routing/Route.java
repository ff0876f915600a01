package io.keyway.domain.routing;

import io.keyway.domain.model.ProviderId;

/** Where a model's requests go. */
public sealed interface Route {
    /** To a third-party provider with the caller's own provider key, e.g. {@code openrouter-x/y} → OpenRouter, {@code x/y}. */
    record ToUserProvider(ProviderId provider, String upstreamModel) implements Route {
    }

    /** To an upstream the operator configured, with the operator's key. */
    record ToOperatorUpstream(String upstream, String model) implements Route {
    }

    /** To one of a model group's deployments, chosen by its strategy, and on to its fallbacks. */
    record ToGroup(ModelGroup group) implements Route {
    }

    /** Nobody serves this model. */
    record Unroutable(String model) implements Route {
    }
}
