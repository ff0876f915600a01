package io.keyway.domain.routing;

import io.keyway.domain.testkit.MutableClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import static io.keyway.domain.routing.DeploymentHealth.Admission.ADMITTED;
import static io.keyway.domain.routing.DeploymentHealth.Admission.COOLING;
import static io.keyway.domain.routing.DeploymentHealth.Admission.OVER_BUDGET;
import static io.keyway.domain.routing.DeploymentHealth.Outcome.ANSWERED;
import static io.keyway.domain.routing.DeploymentHealth.Outcome.FAILED;
import static io.keyway.domain.routing.DeploymentHealth.Outcome.RATE_LIMITED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The cooldown, probe and retry-budget rules, on a clock the test moves. */
class DeploymentHealthTest {
    private static final Instant START = Instant.parse("2026-12-04T10:00:00Z");
    private final MutableClock clock = new MutableClock(START);
    private final DeploymentHealth health = new DeploymentHealth(clock);
    private final Deployment a = new Deployment("a", new Route.ToOperatorUpstream("a", "m"), 1, 0);

    private void attempt(DeploymentHealth.Outcome outcome) {
        assertEquals(ADMITTED, health.admit(a, false));
        health.record(a, outcome, Optional.empty(), Duration.ofMillis(10));
    }

    @Test
    void threeFailuresInARowCoolForFiveSecondsThenOneProbeGoesFirst() {
        attempt(FAILED);
        attempt(FAILED);
        attempt(FAILED);

        assertEquals(COOLING, health.admit(a, false));
        assertEquals(Optional.of(START.plusSeconds(5)), health.coolingUntil(a));
        clock.advance(Duration.ofMillis(4999));
        assertEquals(COOLING, health.admit(a, false));
        clock.advance(Duration.ofMillis(1));
        assertEquals(ADMITTED, health.admit(a, false), "the probe");
        assertEquals(COOLING, health.admit(a, false), "a second request while the probe is out");
        health.record(a, ANSWERED, Optional.empty(), Duration.ofMillis(10));
        assertEquals(ADMITTED, health.admit(a, false), "after a successful probe it takes its share again");
        assertEquals(ADMITTED, health.admit(a, false));
    }

    @Test
    void aFailedProbeCoolsAgainForTwiceAsLongUpToSixtySeconds() {
        attempt(FAILED);
        attempt(FAILED);
        attempt(FAILED);
        long[] expected = {10, 20, 40, 60, 60};
        for (long seconds : expected) {
            Instant cooled = health.coolingUntil(a).orElseThrow();
            clock.set(cooled);
            attempt(FAILED);
            assertEquals(Optional.of(cooled.plusSeconds(seconds)), health.coolingUntil(a));
        }
    }

    @Test
    void aRateLimitCoolsForItsRetryAfterCappedAtSixtySecondsAndFiveWithoutOne() {
        assertEquals(ADMITTED, health.admit(a, false));
        health.record(a, RATE_LIMITED, Optional.of(Duration.ofSeconds(2)), Duration.ZERO);
        assertEquals(Optional.of(START.plusSeconds(2)), health.coolingUntil(a));

        clock.advance(Duration.ofSeconds(2));
        assertEquals(ADMITTED, health.admit(a, false));
        health.record(a, RATE_LIMITED, Optional.of(Duration.ofSeconds(3600)), Duration.ZERO);
        assertEquals(Optional.of(START.plusSeconds(62)), health.coolingUntil(a));

        DeploymentHealth other = new DeploymentHealth(clock);
        other.admit(a, false);
        other.record(a, RATE_LIMITED, Optional.empty(), Duration.ZERO);
        assertEquals(Optional.of(clock.instant().plusSeconds(5)), other.coolingUntil(a));
    }

    @Test
    void aRepeatedCooldownKeepsTheLaterDeadline() {
        health.admit(a, false);
        health.admit(a, false);
        health.record(a, RATE_LIMITED, Optional.of(Duration.ofSeconds(30)), Duration.ZERO);
        health.record(a, RATE_LIMITED, Optional.of(Duration.ofSeconds(2)), Duration.ZERO);
        assertEquals(Optional.of(START.plusSeconds(30)), health.coolingUntil(a));
    }

    @Test
    void halfOfAtLeastFiveCallsFailingWithinAMinuteCools() {
        attempt(FAILED);
        attempt(ANSWERED);
        attempt(FAILED);
        attempt(ANSWERED);
        assertEquals(Optional.empty(), health.coolingUntil(a), "four calls are too few to judge");
        attempt(FAILED);
        assertTrue(health.coolingUntil(a).isPresent(), "3 of 5 failed");
    }

    @Test
    void failuresOlderThanAMinuteAreForgotten() {
        attempt(FAILED);
        attempt(FAILED);
        attempt(ANSWERED);
        clock.advance(Duration.ofSeconds(61));
        attempt(ANSWERED);
        attempt(ANSWERED);
        attempt(FAILED);
        attempt(ANSWERED);
        attempt(ANSWERED);
        assertEquals(Optional.empty(), health.coolingUntil(a));
    }

    @Test
    void retriesAreAFifthOfRequestsWithinTenSecondsWithAFloorOfThreeASecond() {
        for (int i = 0; i < 30; i++) {
            assertEquals(ADMITTED, health.admit(a, true), "the floor: 30 retries in 10 s");
        }
        assertEquals(OVER_BUDGET, health.admit(a, true));
        for (int i = 0; i < 200; i++) {
            assertEquals(ADMITTED, health.admit(a, false));
        }
        // 200 first tries: retries stay under a fifth of all that is sent, 50 of 250 at most, so 20 more than the 30.
        int allowed = 0;
        while (health.admit(a, true) == ADMITTED) {
            allowed++;
        }
        assertEquals(20, allowed, "retries stop once they are a fifth of the requests sent");
        clock.advance(Duration.ofSeconds(10));
        assertEquals(ADMITTED, health.admit(a, true), "the window moved on");
    }

    @Test
    void inFlightAndTheMovingAverageOfFirstBytes() {
        health.admit(a, false);
        health.admit(a, false);
        assertEquals(2, health.inFlight(a));
        health.record(a, ANSWERED, Optional.empty(), Duration.ofMillis(100));
        health.record(a, ANSWERED, Optional.empty(), Duration.ofMillis(200));
        assertEquals(0, health.inFlight(a));
        assertEquals(120.0, health.firstByteMillis(a).orElseThrow(), 1e-9);
    }
}
