package io.keyway.domain.routing;

import java.util.List;

/**
 * A model name served by several deployments, chosen among by a strategy, with other models to fall back to.
 *
 * @param fallbacks other model names tried in order after every deployment of this group (at most 3)
 * @param aliases   other names clients may call this model by
 */
public record ModelGroup(String name, List<Deployment> deployments, Strategy strategy, List<String> fallbacks, List<String> aliases) {
    /** How a deployment is chosen among those of the same priority. */
    public enum Strategy {
        /** At random, in proportion to the weights. */
        WEIGHTED,
        /** The one of two picked at random (in proportion to the weights) that has fewer requests in flight. */
        LEAST_IN_FLIGHT,
        /** The faster to a first byte, by a moving average, while every other keeps a share that keeps its average fresh. */
        LATENCY;

        /** The configuration's spelling: {@code weighted}, {@code least-in-flight}, {@code latency}. */
        public String spelling() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }

        public static java.util.Optional<Strategy> spelled(String text) {
            for (Strategy strategy : values()) {
                if (strategy.spelling().equals(text)) {
                    return java.util.Optional.of(strategy);
                }
            }
            return java.util.Optional.empty();
        }
    }

    public static final int MAX_FALLBACKS = 3;

    public ModelGroup {
        deployments = List.copyOf(deployments);
        fallbacks = List.copyOf(fallbacks);
        aliases = List.copyOf(aliases);
        if (deployments.isEmpty()) {
            throw new IllegalArgumentException("model group '" + name + "' has no deployments");
        }
        if (fallbacks.size() > MAX_FALLBACKS) {
            throw new IllegalArgumentException("model group '" + name + "' lists " + fallbacks.size() + " fallbacks; at most "
                    + MAX_FALLBACKS);
        }
        if (deployments.stream().map(Deployment::name).distinct().count() != deployments.size()) {
            throw new IllegalArgumentException("model group '" + name + "' names two deployments alike; give each a distinct name");
        }
    }
}
