package io.keyway.bootstrap;

import io.keyway.domain.model.ProviderId;
import io.keyway.domain.routing.Deployment;
import io.keyway.domain.routing.ModelGroup;
import io.keyway.domain.routing.Route;
import io.micronaut.context.env.Environment;
import io.micronaut.core.convert.ConversionService;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The model groups of {@code keyway.models.<name>}: {@code deployments} (each {@code upstream}, {@code model},
 * {@code weight}, {@code priority}, {@code name}), {@code strategy}, {@code fallbacks}, {@code aliases}. Read from the
 * environment as they are written (a list of maps in YAML, {@code deployments[0].upstream} as a system property), with
 * every problem said in one line that names the setting.
 */
final class ModelGroupSettings {
    static final Set<String> GROUP_KEYS = Set.of("deployments", "strategy", "fallbacks", "aliases", "health-check");
    static final Set<String> DEPLOYMENT_KEYS = Set.of("upstream", "model", "weight", "priority", "name");

    /**
     * What was read: the groups that are well formed, how often each group with {@code health-check} set checks its
     * cooling deployments, and what is wrong with the others.
     */
    record Read(List<ModelGroup> groups, Map<String, java.time.Duration> healthChecks, List<String> problems) {
    }

    private ModelGroupSettings() {
    }

    /**
     * @param upstreams the operator upstreams' names
     * @param providers the enabled providers' ids
     */
    static Read read(Environment environment, Set<String> upstreams, Set<String> providers) {
        List<ModelGroup> groups = new ArrayList<>();
        Map<String, java.time.Duration> healthChecks = new java.util.LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        for (String name : new TreeSet<>(environment.getPropertyEntries("keyway.models"))) {
            String prefix = "keyway.models." + name + ".";
            int before = problems.size();
            List<Deployment> deployments = new ArrayList<>();
            List<?> listed = environment.getProperty(prefix + "deployments", List.class).orElse(List.of());
            if (listed.isEmpty()) {
                problems.add(prefix + "deployments is missing: a model group needs at least one deployment (upstream and model)");
            }
            Set<String> names = new HashSet<>();
            for (int i = 0; i < listed.size(); i++) {
                String at = prefix + "deployments[" + i + "]";
                if (!(listed.get(i) instanceof Map<?, ?> entry)) {
                    problems.add(at + " is not a map of upstream, model, weight, priority");
                    continue;
                }
                for (Object key : entry.keySet()) {
                    if (!DEPLOYMENT_KEYS.contains(String.valueOf(key))) {
                        problems.add(at + "." + key + " is not a deployment setting (known: " + String.join(", ", new TreeSet<>(DEPLOYMENT_KEYS)) + ")");
                    }
                }
                String upstream = text(entry.get("upstream"));
                String model = Optional.ofNullable(text(entry.get("model"))).orElse(name);
                Integer weight = number(entry.get("weight"), 1, at + ".weight", 1, problems);
                Integer priority = number(entry.get("priority"), 0, at + ".priority", 0, problems);
                Route target;
                if (upstream == null) {
                    problems.add(at + ".upstream is missing: an operator upstream's name or a provider id");
                    continue;
                } else if (upstreams.contains(upstream)) {
                    target = new Route.ToOperatorUpstream(upstream, model);
                } else if (providers.contains(upstream)) {
                    target = new Route.ToUserProvider(new ProviderId(upstream), model);
                } else {
                    problems.add(at + ".upstream = '" + upstream + "' is neither an upstream (keyway.upstreams) nor an enabled provider (keyway.providers)");
                    continue;
                }
                String deploymentName = Optional.ofNullable(text(entry.get("name"))).orElse(upstream);
                if (!names.add(deploymentName)) {
                    deploymentName = upstream + "/" + model;
                    if (!names.add(deploymentName)) {
                        problems.add(at + " repeats the deployment " + upstream + " / " + model);
                        continue;
                    }
                }
                if (weight != null && priority != null) {
                    deployments.add(new Deployment(deploymentName, target, weight, priority));
                }
            }
            String strategyText = environment.getProperty(prefix + "strategy", String.class).orElse(ModelGroup.Strategy.WEIGHTED.spelling());
            Optional<ModelGroup.Strategy> strategy = ModelGroup.Strategy.spelled(strategyText);
            if (strategy.isEmpty()) {
                problems.add(prefix + "strategy = '" + strategyText + "' is not a strategy (known: weighted, least-in-flight, latency)");
            }
            List<String> fallbacks = strings(environment, prefix + "fallbacks");
            if (fallbacks.size() > ModelGroup.MAX_FALLBACKS) {
                problems.add(prefix + "fallbacks lists " + fallbacks.size() + " models; at most " + ModelGroup.MAX_FALLBACKS);
            }
            if (fallbacks.contains(name)) {
                problems.add(prefix + "fallbacks lists the group itself");
            }
            List<String> aliases = strings(environment, prefix + "aliases");
            Optional<Object> check = environment.getProperty(prefix + "health-check", Object.class);
            if (check.isPresent()) {
                Optional<java.time.Duration> every = ConversionService.SHARED.convert(check.get(), java.time.Duration.class);
                if (every.isEmpty() || every.get().compareTo(java.time.Duration.ofSeconds(1)) < 0) {
                    problems.add(prefix + "health-check = '" + check.get() + "' is not a duration of 1s or more");
                } else {
                    healthChecks.put(name, every.get());
                }
            }
            if (problems.size() == before) {
                groups.add(new ModelGroup(name, deployments, strategy.orElseThrow(), fallbacks, aliases));
            }
        }
        return new Read(List.copyOf(groups), Map.copyOf(healthChecks), List.copyOf(problems));
    }

    private static List<String> strings(Environment environment, String name) {
        List<?> raw = environment.getProperty(name, List.class).orElse(List.of());
        List<String> out = new ArrayList<>();
        for (Object value : raw) {
            String text = text(value);
            if (text != null) {
                out.add(text);
            }
        }
        return out;
    }

    private static String text(Object value) {
        if (value == null) {
            return null;
        }
        String text = String.valueOf(value).strip();
        return text.isEmpty() ? null : text;
    }

    private static Integer number(Object value, int otherwise, String name, int least, List<String> problems) {
        if (value == null) {
            return otherwise;
        }
        Optional<Integer> number = ConversionService.SHARED.convert(value, Integer.class);
        if (number.isEmpty() || number.get() < least) {
            problems.add(name + " = '" + value + "' is not a whole number of " + least + " or more");
            return null;
        }
        return number.get();
    }
}
