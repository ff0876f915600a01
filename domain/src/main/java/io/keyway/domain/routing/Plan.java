package io.keyway.domain.routing;

import java.util.List;

/**
 * Where a request may go, in the order to try: the deployments of its model's group (by priority and strategy), that
 * group's fallbacks, then the request's own {@code fallbacks}, each routed as if requested alone.
 *
 * @param unroutable the requested names (model or fallbacks) that nobody serves
 */
public record Plan(List<Candidate> candidates, List<String> unroutable) {
    public Plan {
        candidates = List.copyOf(candidates);
        unroutable = List.copyOf(unroutable);
    }
}
