package io.keyway.domain.routing;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.random.RandomGenerator;

/**
 * The order in which a group's deployments are tried: by priority (lower first), and within a priority by the
 * group's strategy. A pure function of the weights, the health it is given and its random source.
 */
public final class Balancer {
    /** The least share of requests each deployment keeps under the latency strategy, so its average stays fresh. */
    static final double LATENCY_FLOOR = 0.05;

    private final RandomGenerator random;

    public Balancer(RandomGenerator random) {
        this.random = random;
    }

    /** The random source for a running gateway: each thread's own {@link java.util.concurrent.ThreadLocalRandom}. */
    public static RandomGenerator perThread() {
        return () -> java.util.concurrent.ThreadLocalRandom.current().nextLong();
    }

    /** Every deployment of {@code group}, in the order to try them. */
    public List<Deployment> order(ModelGroup group, DeploymentHealth health) {
        List<Deployment> deployments = group.deployments();
        if (deployments.size() == 1) {
            return deployments;
        }
        TreeMap<Integer, List<Deployment>> tiers = new TreeMap<>();
        for (Deployment deployment : deployments) {
            tiers.computeIfAbsent(deployment.priority(), p -> new ArrayList<>()).add(deployment);
        }
        List<Deployment> ordered = new ArrayList<>(deployments.size());
        for (List<Deployment> tier : tiers.values()) {
            ordered.addAll(switch (group.strategy()) {
                case WEIGHTED -> weighted(tier);
                case LEAST_IN_FLIGHT -> leastInFlight(tier, health);
                case LATENCY -> fastest(tier, health);
            });
        }
        return ordered;
    }

    /** Drawn one after another, each in proportion to its weight among those left. */
    private List<Deployment> weighted(List<Deployment> tier) {
        List<Deployment> left = new ArrayList<>(tier);
        List<Deployment> ordered = new ArrayList<>(tier.size());
        while (!left.isEmpty()) {
            ordered.add(left.remove(pickByWeight(left)));
        }
        return ordered;
    }

    private int pickByWeight(List<Deployment> among) {
        long total = 0;
        for (Deployment deployment : among) {
            total += deployment.weight();
        }
        long ticket = random.nextLong(total);
        for (int i = 0; i < among.size(); i++) {
            ticket -= among.get(i).weight();
            if (ticket < 0) {
                return i;
            }
        }
        return among.size() - 1;
    }

    /** Power of two choices: of two drawn by weight, the one with fewer requests in flight first; then the rest by weight. */
    private List<Deployment> leastInFlight(List<Deployment> tier, DeploymentHealth health) {
        List<Deployment> ordered = weighted(tier);
        if (ordered.size() >= 2 && health.inFlight(ordered.get(1)) < health.inFlight(ordered.get(0))) {
            Deployment second = ordered.remove(1);
            ordered.add(0, second);
        }
        return ordered;
    }

    /**
     * The first drawn with a chance that falls with the square of its average time to a first byte (a deployment three
     * times faster is drawn nine times as often), each keeping at least 5%; one never measured counts as the fastest,
     * so that it is measured. The rest follow, fastest first.
     */
    private List<Deployment> fastest(List<Deployment> tier, DeploymentHealth health) {
        int n = tier.size();
        double[] millis = new double[n];
        double best = Double.MAX_VALUE;
        for (int i = 0; i < n; i++) {
            java.util.OptionalDouble measured = health.firstByteMillis(tier.get(i));
            millis[i] = measured.isPresent() ? measured.getAsDouble() : Double.NaN;
            if (measured.isPresent()) {
                best = Math.min(best, millis[i]);
            }
        }
        if (best == Double.MAX_VALUE) {
            return weighted(tier);
        }
        double[] shares = new double[n];
        for (int i = 0; i < n; i++) {
            if (Double.isNaN(millis[i])) {
                millis[i] = best;
            }
            double m = Math.max(0.001, millis[i]);
            shares[i] = tier.get(i).weight() / (m * m);
        }
        double[] chances = withFloor(shares, Math.min(LATENCY_FLOOR, 1.0 / n));
        double ticket = random.nextDouble();
        int first = n - 1;
        for (int i = 0; i < n; i++) {
            ticket -= chances[i];
            if (ticket < 0) {
                first = i;
                break;
            }
        }
        Integer[] rest = new Integer[n - 1];
        for (int i = 0, j = 0; i < n; i++) {
            if (i != first) {
                rest[j++] = i;
            }
        }
        java.util.Arrays.sort(rest, (x, y) -> Double.compare(millis[x], millis[y]));
        List<Deployment> ordered = new ArrayList<>(n);
        ordered.add(tier.get(first));
        for (int index : rest) {
            ordered.add(tier.get(index));
        }
        return ordered;
    }

    /**
     * {@code raw} made into chances that add up to 1, none below {@code floor}: those that would be below it get the
     * floor, and the rest share what is left in proportion to {@code raw}.
     */
    static double[] withFloor(double[] raw, double floor) {
        int n = raw.length;
        boolean[] floored = new boolean[n];
        double[] chances = new double[n];
        for (int round = 0; round <= n; round++) {
            double free = 0;
            int fixed = 0;
            for (int i = 0; i < n; i++) {
                if (floored[i]) {
                    fixed++;
                } else {
                    free += raw[i];
                }
            }
            double left = 1.0 - fixed * floor;
            boolean changed = false;
            for (int i = 0; i < n; i++) {
                chances[i] = floored[i] ? floor : left * raw[i] / free;
                if (!floored[i] && chances[i] < floor) {
                    floored[i] = true;
                    changed = true;
                }
            }
            if (!changed) {
                return chances;
            }
        }
        return chances;
    }
}
