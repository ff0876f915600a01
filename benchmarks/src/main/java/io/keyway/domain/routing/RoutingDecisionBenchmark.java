package io.keyway.domain.routing;

import io.keyway.domain.model.ProviderId;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The routing decision of one request to a group of 8 deployments: the plan (order by strategy), the first
 * deployment's admission and its outcome recorded, as {@code Attempts} does on the hot path. Target: under 2 µs.
 * {@code single} is a model one upstream lists, the path every request without a group takes.
 */
@State(Scope.Thread)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class RoutingDecisionBenchmark {
    @Param({"weighted", "least-in-flight", "latency"})
    public String strategy;

    private PrefixModelRouter router;
    private DeploymentHealth health;

    @Setup
    public void setUp() {
        health = new DeploymentHealth(Clock.systemUTC());
        List<Deployment> deployments = new ArrayList<>();
        Map<String, List<String>> upstreams = new LinkedHashMap<>();
        for (int i = 0; i < 8; i++) {
            upstreams.put("u" + i, List.of("solo-" + i));
            Deployment deployment = new Deployment("u" + i, new Route.ToOperatorUpstream("u" + i, "m"), 1 + i % 3, 0);
            deployments.add(deployment);
            health.admit(deployment, false);
            health.record(deployment, DeploymentHealth.Outcome.ANSWERED, Optional.empty(), Duration.ofMillis(100 + 20 * i));
        }
        ModelGroup group = new ModelGroup("group", deployments, ModelGroup.Strategy.spelled(strategy).orElseThrow(), List.of(), List.of());
        router = new PrefixModelRouter(Set.of(ProviderId.OPENROUTER), upstreams, List.of(group), health, new Balancer(Balancer.perThread()));
    }

    @Benchmark
    public Deployment group() {
        return decide("group");
    }

    @Benchmark
    public Deployment single() {
        return decide("solo-3");
    }

    private Deployment decide(String model) {
        Plan plan = router.plan(model, List.of());
        Deployment first = plan.candidates().get(0).deployment();
        health.admit(first, false);
        health.record(first, DeploymentHealth.Outcome.ANSWERED, Optional.empty(), Duration.ofMillis(120));
        return first;
    }
}
