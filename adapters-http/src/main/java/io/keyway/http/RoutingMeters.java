package io.keyway.http;

import io.keyway.domain.port.ModelRouter;
import io.keyway.domain.routing.Deployment;
import io.keyway.domain.routing.DeploymentHealth;
import io.keyway.domain.routing.ModelGroup;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;

import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.function.ToDoubleFunction;

/**
 * The router's meters per deployment of each model group, scraped at {@code /prometheus}: attempts and retries sent,
 * outcomes by cause, cooldowns begun, attempts refused for a cooldown or the retry budget, whether it is cooling,
 * requests in flight and the moving average of its time to a first byte. Labels are the group's and the deployment's
 * configured names (bounded: they come from the configuration, never from a request).
 */
@Context
@Requires(beans = ModelRouter.class)
final class RoutingMeters {
    RoutingMeters(ModelRouter router, Optional<MeterRegistry> published) {
        if (published.isEmpty()) {
            return;
        }
        MeterRegistry registry = published.get();
        DeploymentHealth health = router.health();
        Set<String> seen = new HashSet<>();
        for (ModelGroup group : router.groups()) {
            for (Deployment deployment : group.deployments()) {
                if (!seen.add(group.name() + " " + deployment.name())) {
                    continue;
                }
                Tags tags = Tags.of("group", group.name(), "deployment", deployment.name());
                counter(registry, "keyway.routing.attempts", "Attempts sent to the deployment (first tries and retries)", tags, health, deployment,
                        s -> s.totals().attempts());
                counter(registry, "keyway.routing.retries", "Attempts that were retries of a request tried before", tags, health, deployment,
                        s -> s.totals().retries());
                counter(registry, "keyway.routing.outcomes", "Attempts that answered", tags.and("outcome", "answered"), health, deployment,
                        s -> s.totals().answered());
                counter(registry, "keyway.routing.outcomes", "Attempts rate-limited (429)", tags.and("outcome", "rate_limited"), health, deployment,
                        s -> s.totals().rateLimited());
                counter(registry, "keyway.routing.outcomes", "Attempts that failed (connection, timeout, 5xx, error before the first event)",
                        tags.and("outcome", "failed"), health, deployment, s -> s.totals().failed());
                counter(registry, "keyway.routing.cooldowns", "Cooldowns begun", tags, health, deployment, s -> s.totals().cooldowns());
                counter(registry, "keyway.routing.skipped", "Attempts not sent there: it was cooling", tags.and("reason", "cooling"), health,
                        deployment, s -> s.totals().refusedCooling());
                counter(registry, "keyway.routing.skipped", "Retries not sent there: its retry budget was spent", tags.and("reason", "retry_budget"),
                        health, deployment, s -> s.totals().refusedOverBudget());
                gauge(registry, "keyway.routing.cooling", "1 while the deployment cools down or is being probed", tags, health, deployment,
                        s -> s.cooling() ? 1 : 0);
                gauge(registry, "keyway.routing.in.flight", "Requests in flight to the deployment", tags, health, deployment, s -> s.inFlight());
                gauge(registry, "keyway.routing.first.byte.ms", "Moving average of the time to a first byte, in milliseconds", tags, health,
                        deployment, s -> s.firstByteMillis().orElse(Double.NaN));
            }
        }
    }

    private static void counter(MeterRegistry registry, String name, String description, Tags tags, DeploymentHealth health,
                                Deployment deployment, ToDoubleFunction<DeploymentHealth.Snapshot> read) {
        FunctionCounter.builder(name, health, h -> read.applyAsDouble(h.snapshot(deployment))).description(description).tags(tags).register(registry);
    }

    private static void gauge(MeterRegistry registry, String name, String description, Tags tags, DeploymentHealth health,
                              Deployment deployment, ToDoubleFunction<DeploymentHealth.Snapshot> read) {
        Gauge.builder(name, health, h -> read.applyAsDouble(h.snapshot(deployment))).description(description).tags(tags).register(registry);
    }
}
