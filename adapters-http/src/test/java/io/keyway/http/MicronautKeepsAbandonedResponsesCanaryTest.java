package io.keyway.http;

import org.junit.jupiter.api.Test;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Canary for the defect {@code relay.ClientDisconnects} works around: Micronaut's server (4.10) keeps a pending response
 * publisher subscribed after its client has gone (micronaut-core issue #8140, server fix proposed in #13273). When this
 * test fails, the server cancels abandoned responses by itself and {@code relay.ClientDisconnects} can go.
 */
class MicronautKeepsAbandonedResponsesCanaryTest {
    @Test
    void aResponsePendingWhenItsClientLeavesIsNotCancelledByTheServer() throws Exception {
        CanaryController.pendingCancelled = new CountDownLatch(1);
        try (FrameworkProbe probe = new FrameworkProbe()) {
            probe.sendAndLeave("/canary/pending");

            assertFalse(CanaryController.pendingCancelled.await(2, TimeUnit.SECONDS),
                    "Micronaut's server now cancels a response whose client left (micronaut-core #8140 fixed): "
                            + "ClientDisconnects can go");
        }
    }
}
