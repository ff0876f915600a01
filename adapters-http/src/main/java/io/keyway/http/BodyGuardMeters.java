package io.keyway.http;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;

/** The bytes request bodies hold, and the requests {@link BodyGuard} refused or cut. */
@Context
@Requires(beans = MeterRegistry.class)
final class BodyGuardMeters {
    BodyGuardMeters(BodyGuard guard, MeterRegistry registry) {
        Gauge.builder("keyway.request.bodies.held.bytes", guard, BodyGuard::held)
                .description("Bytes held by request bodies in flight (capped by keyway.bodies.max-in-flight)").register(registry);
        FunctionCounter.builder("keyway.request.bodies.refused", guard, BodyGuard::refusedOverloaded).tag("cause", "overloaded")
                .description("Requests refused or cut because bodies in flight held keyway.bodies.max-in-flight").register(registry);
        FunctionCounter.builder("keyway.request.bodies.refused", guard, BodyGuard::cutTooSlow).tag("cause", "too_slow")
                .description("Requests whose bodies were cut for arriving too slowly or pausing").register(registry);
    }
}
