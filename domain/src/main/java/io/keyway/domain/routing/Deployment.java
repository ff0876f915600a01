package io.keyway.domain.routing;

/**
 * One place a model group's requests can go: an operator upstream or a user's provider, the model id it knows the
 * model by there, and its share.
 *
 * @param name     how answers, metrics and {@code /admin/routing} name it (the upstream's name unless configured)
 * @param target   where the request goes and under which model id
 * @param weight   its share of the group's requests among deployments of the same priority (at least 1)
 * @param priority lower goes first: a deployment is tried only when every one of a lower priority is cooling or failed
 */
public record Deployment(String name, Route target, int weight, int priority, String scope) {
    public Deployment(String name, Route target, int weight, int priority) {
        this(name, target, weight, priority, "");
    }

    public Deployment {
        if (!(target instanceof Route.ToOperatorUpstream) && !(target instanceof Route.ToUserProvider)) {
            throw new IllegalArgumentException("a deployment goes to an upstream or a provider, not " + target);
        }
        if (weight < 1) {
            throw new IllegalArgumentException("deployment '" + name + "' has weight " + weight + "; weights are at least 1");
        }
    }

    /** The upstream (operator upstream or provider id) the deployment sends to. */
    public String upstream() {
        return target instanceof Route.ToOperatorUpstream operator ? operator.upstream() : ((Route.ToUserProvider) target).provider().value();
    }

    /** The model id sent to the upstream. */
    public String model() {
        return target instanceof Route.ToOperatorUpstream operator ? operator.model() : ((Route.ToUserProvider) target).upstreamModel();
    }

    /**
     * What its health is recorded under: the same upstream and model share one health wherever they are listed; a
     * deployment that is sent with a caller's own key is scoped to that caller, so that one user's rate-limited or
     * refused key never cools the provider down for everyone else.
     */
    public HealthKey healthKey() {
        return new HealthKey(upstream(), model(), scope);
    }

    /** Upstream, model and scope: compared field by field, so that no text is built per request to find a health. */
    public record HealthKey(String upstream, String model, String scope) {
        @Override
        public String toString() {
            return scope.isEmpty() ? upstream + " " + model : upstream + " " + model + " " + scope;
        }
    }

    /** This deployment, its health kept apart for {@code caller} (a gateway key's id). */
    public Deployment scopedTo(String caller) {
        return new Deployment(name, target, weight, priority, caller);
    }
}
