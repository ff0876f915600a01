package io.keyway.domain.routing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What this instance has learnt of each deployment from its own traffic (no polling): cooldowns, the half-open probe
 * after one, the retry budget, requests in flight and the time to a first byte. Rules, all per deployment:
 * <ul>
 *   <li>a 429 cools it for its {@code Retry-After} (at most 60 s; 5 s without one);</li>
 *   <li>3 failures in a row, or at least half of at least 5 calls failing within 60 s, cool it for 5 s, doubling up to
 *       60 s while it keeps failing;</li>
 *   <li>a repeated cooldown keeps the later deadline;</li>
 *   <li>when a cooldown ends, one request probes it; until that probe succeeds, nobody else is sent there;</li>
 *   <li>retries sent to it are at most 20% of the requests it was sent in the last 10 s, or 3 a second when that is
 *       more (Envoy's retry budget), so that a failing deployment gets at most about 1.2 times its clients' traffic.</li>
 * </ul>
 * Thread-safe; the clock is injected so that the rules are tested without waiting.
 */
public final class DeploymentHealth {
    public static final Duration MAX_COOLDOWN = Duration.ofSeconds(60);
    public static final Duration FIRST_COOLDOWN = Duration.ofSeconds(5);
    static final int FAILURES_IN_A_ROW = 3;
    static final int WINDOW_SECONDS = 60;
    static final int MIN_CALLS = 5;
    static final int BUDGET_SECONDS = 10;
    static final double BUDGET_RATIO = 0.2;
    static final int BUDGET_FLOOR_PER_SECOND = 3;
    /** The weight of the newest first-byte time in the moving average. */
    static final double LATENCY_WEIGHT = 0.2;

    /** What a deployment said of an attempt, for its health. */
    public enum Outcome {
        /** It answered (any status that is not its own failure: a 400 is the caller's). */
        ANSWERED,
        /** It was rate-limited (429); {@code retryAfter} says for how long when it said. */
        RATE_LIMITED,
        /** Refused or reset connection, timeout, 5xx, 408, 529, an error before its first event. */
        FAILED
    }

    /** Whether an attempt may go to a deployment now. */
    public enum Admission {
        ADMITTED,
        /** Cooling down, or its one probe is already under way. */
        COOLING,
        /** A retry, and its retry budget is spent. */
        OVER_BUDGET
    }

    /** A deployment's state as {@code /admin/routing} and the metrics show it. */
    public record Snapshot(boolean cooling, Optional<Instant> coolingUntil, boolean probing, int inFlight, int failuresInARow,
                           long calls60s, long failures60s, OptionalDouble firstByteMillis, Totals totals) {
    }

    /** Counts since start (or since {@link #forget}), for the metrics. */
    public record Totals(long attempts, long retries, long answered, long rateLimited, long failed, long cooldowns, long refusedCooling,
                         long refusedOverBudget) {
    }

    private final Clock clock;
    private final ConcurrentHashMap<Deployment.HealthKey, State> states = new ConcurrentHashMap<>();

    public DeploymentHealth(Clock clock) {
        this.clock = clock;
    }

    /** How many deployments' states are kept before idle ones are forgotten (scoped ones come and go with callers). */
    static final int MAX_STATES = 20_000;

    private State state(Deployment deployment) {
        Deployment.HealthKey key = deployment.healthKey();
        State state = states.get(key);
        if (state != null) {
            return state;
        }
        if (states.size() >= MAX_STATES) {
            forgetIdle();
        }
        return states.computeIfAbsent(key, any -> new State());
    }

    /** Drops the states that say nothing a new state would not: not cooling, nothing in flight. */
    private void forgetIdle() {
        long now = clock.millis();
        states.values().removeIf(state -> state.idle(now));
    }

    /** Forgets everything learnt: every deployment starts afresh (for an operator who has mended an upstream, and tests). */
    public void forget() {
        states.clear();
    }

    /**
     * Asks to send an attempt to {@code deployment} now; when admitted, the attempt is counted in flight until its
     * {@link #record} or {@link #release}.
     *
     * @param retry whether the request has already been tried elsewhere (or here): retries spend the budget
     */
    public Admission admit(Deployment deployment, boolean retry) {
        return state(deployment).admit(clock.millis(), retry);
    }

    /** The attempt's outcome; {@code firstByte} is how long the deployment took to answer. */
    public void record(Deployment deployment, Outcome outcome, Optional<Duration> retryAfter, Duration firstByte) {
        state(deployment).record(clock.millis(), outcome, retryAfter, firstByte);
    }

    /** The attempt ended without an outcome that says anything of the deployment (the client left first). */
    public void release(Deployment deployment) {
        state(deployment).release();
    }

    /**
     * An active check (its models list, when the operator turned checks on) found it answering: a cooldown ends now,
     * without waiting for a request to probe it. A later failure still cools it for longer, as if it had not ended.
     */
    public void checkedHealthy(Deployment deployment) {
        state(deployment).checkedHealthy();
    }

    /** When its cooldown ends, if it is cooling now. */
    public Optional<Instant> coolingUntil(Deployment deployment) {
        return state(deployment).snapshot(clock.millis()).coolingUntil();
    }

    public int inFlight(Deployment deployment) {
        return state(deployment).inFlight;
    }

    /** The moving average of its time to a first byte, once it has answered. */
    public OptionalDouble firstByteMillis(Deployment deployment) {
        double average = state(deployment).latencyMillis;
        return Double.isNaN(average) ? OptionalDouble.empty() : OptionalDouble.of(average);
    }

    public Snapshot snapshot(Deployment deployment) {
        return state(deployment).snapshot(clock.millis());
    }

    private static final class State {
        long coolUntil;
        int cooldowns;
        boolean needsProbe;
        boolean probing;
        int failuresInARow;
        volatile int inFlight;
        volatile double latencyMillis = Double.NaN;
        /** Calls and failures, second by second, over the last 60 s. */
        final SecondCounts outcomes = new SecondCounts(WINDOW_SECONDS);
        /** Attempts sent and those that were retries, over the last 10 s. */
        final SecondCounts budget = new SecondCounts(BUDGET_SECONDS);
        long totalAttempts;
        long totalRetries;
        long totalAnswered;
        long totalRateLimited;
        long totalFailed;
        long totalCooldowns;
        long totalRefusedCooling;
        long totalRefusedOverBudget;

        synchronized Admission admit(long now, boolean retry) {
            if (now < coolUntil || (needsProbe && probing)) {
                totalRefusedCooling++;
                return Admission.COOLING;
            }
            long second = Math.floorDiv(now, 1000);
            // The floor: 3 retries for each second of the window, so that a quiet deployment's few retries are allowed.
            if (retry && budget.second(second) >= Math.max(BUDGET_RATIO * budget.first(second), BUDGET_FLOOR_PER_SECOND * BUDGET_SECONDS)) {
                totalRefusedOverBudget++;
                return Admission.OVER_BUDGET;
            }
            totalAttempts++;
            if (retry) {
                totalRetries++;
            }
            if (needsProbe) {
                probing = true;
            }
            budget.add(second, retry);
            inFlight++;
            return Admission.ADMITTED;
        }

        synchronized void record(long now, Outcome outcome, Optional<Duration> retryAfter, Duration firstByte) {
            inFlight = Math.max(0, inFlight - 1);
            long second = Math.floorDiv(now, 1000);
            outcomes.add(second, outcome != Outcome.ANSWERED);
            boolean wasProbe = probing;
            probing = false;
            if (outcome == Outcome.ANSWERED) {
                totalAnswered++;
                failuresInARow = 0;
                cooldowns = 0;
                needsProbe = false;
                double millis = firstByte.toNanos() / 1e6;
                latencyMillis = Double.isNaN(latencyMillis) ? millis : latencyMillis + LATENCY_WEIGHT * (millis - latencyMillis);
                return;
            }
            failuresInARow++;
            if (outcome == Outcome.RATE_LIMITED) {
                totalRateLimited++;
                Duration wait = retryAfter.filter(d -> !d.isNegative()).orElse(FIRST_COOLDOWN);
                coolFor(now, wait.compareTo(MAX_COOLDOWN) > 0 ? MAX_COOLDOWN : wait);
                return;
            }
            totalFailed++;
            long calls = outcomes.first(second);
            if (wasProbe || failuresInARow >= FAILURES_IN_A_ROW || (calls >= MIN_CALLS && outcomes.second(second) * 2 >= calls)) {
                Duration wait = FIRST_COOLDOWN.multipliedBy(1L << Math.min(cooldowns, 4));
                cooldowns++;
                coolFor(now, wait.compareTo(MAX_COOLDOWN) > 0 ? MAX_COOLDOWN : wait);
            }
        }

        private void coolFor(long now, Duration wait) {
            totalCooldowns++;
            coolUntil = Math.max(coolUntil, now + wait.toMillis());
            needsProbe = true;
        }

        synchronized void checkedHealthy() {
            coolUntil = 0;
            needsProbe = false;
            failuresInARow = 0;
        }

        synchronized boolean idle(long now) {
            return inFlight == 0 && now >= coolUntil && !needsProbe;
        }

        synchronized void release() {
            inFlight = Math.max(0, inFlight - 1);
            probing = false;
        }

        synchronized Snapshot snapshot(long now) {
            long second = Math.floorDiv(now, 1000);
            long all = outcomes.first(second);
            long failed = outcomes.second(second);
            boolean cooling = now < coolUntil;
            return new Snapshot(cooling || (needsProbe && probing), cooling ? Optional.of(Instant.ofEpochMilli(coolUntil)) : Optional.empty(),
                    probing, inFlight, failuresInARow, all, failed,
                    Double.isNaN(latencyMillis) ? OptionalDouble.empty() : OptionalDouble.of(latencyMillis),
                    new Totals(totalAttempts, totalRetries, totalAnswered, totalRateLimited, totalFailed, totalCooldowns, totalRefusedCooling,
                            totalRefusedOverBudget));
        }
    }
}
