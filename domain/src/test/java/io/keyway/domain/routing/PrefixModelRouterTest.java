package io.keyway.domain.routing;

import io.keyway.domain.model.ProviderId;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PrefixModelRouterTest {
    private final PrefixModelRouter router = new PrefixModelRouter(Set.of(ProviderId.OPENROUTER),
            Map.of("local", List.of("gpt-local", "embed-local")));

    @Test
    void aPrefixedModelGoesToThatProviderWithThePrefixStripped() {
        assertEquals(new Route.ToUserProvider(ProviderId.OPENROUTER, "meta-llama/llama-3.1-405b-instruct"),
                router.route("openrouter-meta-llama/llama-3.1-405b-instruct"));
    }

    @Test
    void anOperatorModelGoesToItsUpstream() {
        assertEquals(new Route.ToOperatorUpstream("local", "gpt-local"), router.route("gpt-local"));
    }

    @Test
    void aModelNobodyServesIsUnroutable() {
        assertEquals(new Route.Unroutable("gpt-4o"), router.route("gpt-4o"));
        assertEquals(new Route.Unroutable("openrouter-"), router.route("openrouter-"));
    }

    @Test
    void aModelListedByTwoUpstreamsIsAGroupOfTwoWithEqualWeights() {
        Map<String, List<String>> upstreams = new LinkedHashMap<>();
        upstreams.put("a", List.of("m"));
        upstreams.put("b", List.of("m", "only-b"));
        PrefixModelRouter twice = new PrefixModelRouter(Set.of(), upstreams);

        Route.ToGroup group = assertInstanceOf(Route.ToGroup.class, twice.route("m"));
        assertEquals(List.of("a", "b"), group.group().deployments().stream().map(Deployment::upstream).toList());
        assertEquals(List.of(1, 1), group.group().deployments().stream().map(Deployment::weight).toList());
        assertEquals(new Route.ToOperatorUpstream("b", "only-b"), twice.route("only-b"));
        assertEquals(List.of(new OperatorModel("m", "keyway"), new OperatorModel("only-b", "b")), twice.operatorModels());
    }

    @Test
    void aPlanListsTheGroupThenItsFallbacksThenTheRequestsFallbacksEachDeploymentOnce() {
        Deployment fast = new Deployment("fast", new Route.ToOperatorUpstream("local", "gpt-local"), 1, 0);
        Deployment spare = new Deployment("spare", new Route.ToOperatorUpstream("backup", "gpt-b"), 1, 1);
        ModelGroup group = new ModelGroup("smart", List.of(spare, fast), ModelGroup.Strategy.WEIGHTED, List.of("embed-local"), List.of("clever"));
        PrefixModelRouter grouped = new PrefixModelRouter(Set.of(ProviderId.OPENROUTER), Map.of("local", List.of("gpt-local", "embed-local")),
                List.of(group), new DeploymentHealth(java.time.Clock.systemUTC()), new Balancer(new java.util.SplittableRandom(1)));

        Plan plan = grouped.plan("clever", List.of("openrouter-x/y", "nobody", "gpt-local"));

        assertEquals(List.of("local gpt-local", "backup gpt-b", "local embed-local", "openrouter x/y"),
                plan.candidates().stream().map(c -> c.deployment().healthKey().toString()).toList(),
                "priority 0 before 1, then the group's fallback, then the request's; gpt-local once");
        assertEquals(List.of(0, 0, 0, 1), plan.candidates().stream().map(Candidate::entry).toList());
        assertEquals(List.of("nobody"), plan.unroutable());
        assertTrue(grouped.operatorModels().containsAll(List.of(new OperatorModel("smart", "keyway"), new OperatorModel("clever", "keyway"))));
    }
}
