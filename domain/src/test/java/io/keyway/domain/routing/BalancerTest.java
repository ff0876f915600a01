package io.keyway.domain.routing;

import io.keyway.domain.testkit.MutableClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Shares over 10,000 requests from a seeded random source: weights, least in flight, latency. */
class BalancerTest {
    private static final int REQUESTS = 10_000;
    private final DeploymentHealth health = new DeploymentHealth(new MutableClock(Instant.parse("2026-12-04T10:00:00Z")));

    private static Deployment deployment(String name, int weight) {
        return new Deployment(name, new Route.ToOperatorUpstream(name, "m"), weight, 0);
    }

    private Map<String, Integer> firstChoices(ModelGroup group, long seed) {
        Balancer balancer = new Balancer(new SplittableRandom(seed));
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < REQUESTS; i++) {
            counts.merge(balancer.order(group, health).get(0).name(), 1, Integer::sum);
        }
        return counts;
    }

    @Test
    void weightsThreeToOneGiveSeventyFiveAndTwentyFivePercentWhateverTheOrder() {
        Deployment big = deployment("big", 3);
        Deployment small = deployment("small", 1);
        for (List<Deployment> order : List.of(List.of(big, small), List.of(small, big))) {
            for (long seed = 1; seed <= 3; seed++) {
                Map<String, Integer> counts = firstChoices(new ModelGroup("g", order, ModelGroup.Strategy.WEIGHTED, List.of(), List.of()), seed);
                double bigShare = 100.0 * counts.get("big") / REQUESTS;
                assertTrue(Math.abs(bigShare - 75) <= 2, "big took " + bigShare + "% with entries " + order.stream().map(Deployment::name).toList());
            }
        }
    }

    @Test
    void everyDeploymentIsInTheOrderOnceLowerPriorityFirst() {
        Deployment spare = new Deployment("spare", new Route.ToOperatorUpstream("spare", "m"), 100, 1);
        ModelGroup group = new ModelGroup("g", List.of(spare, deployment("a", 1), deployment("b", 1)), ModelGroup.Strategy.WEIGHTED, List.of(), List.of());
        List<Deployment> order = new Balancer(new SplittableRandom(7)).order(group, health);
        assertEquals(3, order.size());
        assertEquals("spare", order.get(2).name(), "a higher priority number is tried last, whatever its weight");
    }

    @Test
    void leastInFlightPrefersTheLessBusyOfTwo() {
        Deployment busy = deployment("busy", 1);
        Deployment idle = deployment("idle", 1);
        for (int i = 0; i < 5; i++) {
            health.admit(busy, false);
        }
        Map<String, Integer> counts = firstChoices(new ModelGroup("g", List.of(busy, idle), ModelGroup.Strategy.LEAST_IN_FLIGHT, List.of(), List.of()), 3);
        assertEquals(REQUESTS, counts.get("idle"), "with two deployments, the two choices are both: the idle one always wins");
    }

    @Test
    void latencyGivesAThreeTimesFasterDeploymentAtLeastEightyPercentAndEveryOtherAtLeastFive() {
        Deployment fast = deployment("fast", 1);
        Deployment slow = deployment("slow", 1);
        Deployment slower = deployment("slower", 1);
        answered(fast, 100);
        answered(slow, 300);
        answered(slower, 300);
        Map<String, Integer> counts = firstChoices(new ModelGroup("g", List.of(slow, fast, slower), ModelGroup.Strategy.LATENCY, List.of(), List.of()), 5);
        assertTrue(counts.get("fast") >= 0.80 * REQUESTS, counts.toString());
        assertTrue(counts.get("slow") >= 0.05 * REQUESTS && counts.get("slower") >= 0.05 * REQUESTS, counts.toString());

        Deployment glacial = deployment("glacial", 1);
        answered(glacial, 100_000);
        counts = firstChoices(new ModelGroup("g", List.of(fast, glacial), ModelGroup.Strategy.LATENCY, List.of(), List.of()), 6);
        assertTrue(counts.get("glacial") >= 0.05 * REQUESTS * 0.9, "a very slow deployment keeps its 5% to stay measured: " + counts);
    }

    @Test
    void chancesWithAFloorAddUpToOne() {
        double[] chances = Balancer.withFloor(new double[]{0.99, 0.0099, 0.0001}, 0.05);
        assertEquals(1.0, chances[0] + chances[1] + chances[2], 1e-9);
        assertEquals(0.05, chances[1], 1e-9);
        assertEquals(0.05, chances[2], 1e-9);
    }

    private void answered(Deployment deployment, long millis) {
        health.admit(deployment, false);
        health.record(deployment, DeploymentHealth.Outcome.ANSWERED, Optional.empty(), Duration.ofMillis(millis));
    }
}
