package io.keyway.domain.routing;

import io.keyway.domain.model.ProviderId;
import io.keyway.domain.port.ModelRouter;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The routing rule: a model named {@code <provider>-<id>} for a provider that takes users' own keys goes to that
 * provider as {@code <id>}; a model group (configured, or a model listed by two or more upstreams) goes to its
 * deployments in the order its strategy and their health give; a model listed by one upstream goes there; otherwise
 * nowhere.
 */
public final class PrefixModelRouter implements ModelRouter {
    private final Set<ProviderId> userProviders;
    private final Map<String, Route> operatorRoutes = new LinkedHashMap<>();
    private final Map<String, String> owners = new LinkedHashMap<>();
    private final DeploymentHealth health;
    private final Balancer balancer;

    /** A router without groups of its own: each model listed by one upstream, or by several as a group of equal weights. */
    public PrefixModelRouter(Set<ProviderId> userProviders, Map<String, List<String>> upstreamModels) {
        this(userProviders, upstreamModels, List.of(), new DeploymentHealth(java.time.Clock.systemUTC()),
                new Balancer(Balancer.perThread()));
    }

    /**
     * @param userProviders  providers routed by prefix with the caller's key
     * @param upstreamModels each operator upstream's name and the model ids it serves, in configuration order
     * @param groups         configured model groups; a group's name or alias overrides a model an upstream lists
     * @param health         what this instance learnt of each deployment
     * @param balancer       the order of a group's deployments
     */
    public PrefixModelRouter(Set<ProviderId> userProviders, Map<String, List<String>> upstreamModels, List<ModelGroup> groups,
                             DeploymentHealth health, Balancer balancer) {
        this.userProviders = Set.copyOf(userProviders);
        this.health = health;
        this.balancer = balancer;
        Map<String, List<String>> listedBy = new LinkedHashMap<>();
        upstreamModels.forEach((upstream, models) -> {
            for (String model : models) {
                List<String> upstreams = listedBy.computeIfAbsent(model, m -> new ArrayList<>());
                if (!upstreams.contains(upstream)) {
                    upstreams.add(upstream);
                }
            }
        });
        listedBy.forEach((model, upstreams) -> {
            if (upstreams.size() == 1) {
                operatorRoutes.put(model, new Route.ToOperatorUpstream(upstreams.get(0), model));
                owners.put(model, upstreams.get(0));
            } else {
                List<Deployment> deployments = upstreams.stream()
                        .map(upstream -> new Deployment(upstream, new Route.ToOperatorUpstream(upstream, model), 1, 0)).toList();
                operatorRoutes.put(model, new Route.ToGroup(new ModelGroup(model, deployments, ModelGroup.Strategy.WEIGHTED, List.of(), List.of())));
                owners.put(model, "keyway");
            }
        });
        for (ModelGroup group : groups) {
            Route route = new Route.ToGroup(group);
            List<String> names = new ArrayList<>();
            names.add(group.name());
            names.addAll(group.aliases());
            for (String name : names) {
                operatorRoutes.put(name, route);
                owners.put(name, group.deployments().size() == 1 ? group.deployments().get(0).upstream() : "keyway");
            }
        }
    }

    @Override
    public Route route(String model) {
        for (ProviderId provider : userProviders) {
            String prefix = provider.modelPrefix();
            if (model.startsWith(prefix) && model.length() > prefix.length()) {
                return new Route.ToUserProvider(provider, model.substring(prefix.length()));
            }
        }
        Route route = operatorRoutes.get(model);
        return route != null ? route : new Route.Unroutable(model);
    }

    @Override
    public Plan plan(String model, List<String> fallbacks) {
        if (fallbacks.isEmpty()) {
            // The common case, one name: a provider or one upstream needs no set of what was seen.
            Route route = route(model);
            if (route instanceof Route.ToUserProvider provider) {
                return new Plan(List.of(new Candidate(new Deployment(provider.provider().value(), provider, 1, 0), model, 0)), List.of());
            }
            if (route instanceof Route.ToOperatorUpstream upstream) {
                return new Plan(List.of(new Candidate(new Deployment(upstream.upstream(), upstream, 1, 0), model, 0)), List.of());
            }
            if (route instanceof Route.Unroutable) {
                return new Plan(List.of(), List.of(model));
            }
        }
        List<Candidate> candidates = new ArrayList<>();
        List<String> unroutable = new ArrayList<>();
        Set<Deployment.HealthKey> seen = new HashSet<>();
        List<String> names = new ArrayList<>(1 + fallbacks.size());
        names.add(model);
        names.addAll(fallbacks);
        for (int entry = 0; entry < names.size(); entry++) {
            String name = names.get(entry);
            Route route = route(name);
            if (route instanceof Route.Unroutable) {
                unroutable.add(name);
                continue;
            }
            add(candidates, seen, route, name, entry);
            if (route instanceof Route.ToGroup group) {
                for (String fallback : group.group().fallbacks()) {
                    Route next = route(fallback);
                    if (!(next instanceof Route.Unroutable)) {
                        add(candidates, seen, next, name, entry);
                    }
                }
            }
        }
        return new Plan(candidates, unroutable);
    }

    /** The deployments {@code route} leads to, in order, each once in the whole plan. */
    private void add(List<Candidate> candidates, Set<Deployment.HealthKey> seen, Route route, String requested, int entry) {
        List<Deployment> deployments;
        if (route instanceof Route.ToGroup group) {
            deployments = balancer.order(group.group(), health);
        } else if (route instanceof Route.ToUserProvider provider) {
            deployments = List.of(new Deployment(provider.provider().value(), provider, 1, 0));
        } else if (route instanceof Route.ToOperatorUpstream upstream) {
            deployments = List.of(new Deployment(upstream.upstream(), upstream, 1, 0));
        } else {
            deployments = List.of();
        }
        for (Deployment deployment : deployments) {
            if (seen.add(deployment.healthKey())) {
                candidates.add(new Candidate(deployment, requested, entry));
            }
        }
    }

    @Override
    public List<OperatorModel> operatorModels() {
        List<OperatorModel> models = new ArrayList<>(owners.size());
        owners.forEach((id, owner) -> models.add(new OperatorModel(id, owner)));
        return models;
    }

    @Override
    public List<ModelGroup> groups() {
        List<ModelGroup> groups = new ArrayList<>();
        for (Route route : new java.util.LinkedHashSet<>(operatorRoutes.values())) {
            if (route instanceof Route.ToGroup group) {
                groups.add(group.group());
            }
        }
        return groups;
    }

    @Override
    public DeploymentHealth health() {
        return health;
    }

    @Override
    public Set<ProviderId> userProviders() {
        return userProviders;
    }
}
