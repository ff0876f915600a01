package io.keyway.bootstrap;

import io.keyway.application.Upstreams;
import io.keyway.domain.port.ModelRouter;
import io.keyway.domain.routing.Deployment;
import io.keyway.domain.routing.DeploymentHealth;
import io.keyway.domain.routing.ModelGroup;
import io.keyway.domain.routing.Route;
import io.micronaut.context.annotation.Context;
import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The optional active check of {@code keyway.models.<name>.health-check}: every interval, each operator deployment of
 * the group that is cooling down is asked for its models list (never a completion, which would cost money), at most
 * one check in flight per deployment; an answer ends its cooldown at once. Off unless set: by default a deployment
 * comes back by one request probing it when its cooldown ends. Deployments with users' own keys are never checked
 * (the gateway holds no key to check them with).
 */
@Context
final class HealthChecks {
    private static final Logger LOG = LoggerFactory.getLogger(HealthChecks.class);

    private final ScheduledExecutorService timer;
    private final Set<Deployment.HealthKey> inFlight = ConcurrentHashMap.newKeySet();

    HealthChecks(ModelGroupSettings.Read groups, ModelRouter router, Upstreams upstreams) {
        Map<String, Duration> intervals = groups.healthChecks();
        if (intervals.isEmpty()) {
            timer = null;
            return;
        }
        timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "keyway-health-checks");
            thread.setDaemon(true);
            return thread;
        });
        DeploymentHealth health = router.health();
        for (ModelGroup group : router.groups()) {
            Duration every = intervals.get(group.name());
            if (every == null) {
                continue;
            }
            timer.scheduleWithFixedDelay(() -> check(group, health, upstreams), every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
            LOG.info("model group {}: cooling deployments checked with their models list every {} s", group.name(), every.toSeconds());
        }
    }

    private void check(ModelGroup group, DeploymentHealth health, Upstreams upstreams) {
        for (Deployment deployment : group.deployments()) {
            if (!(deployment.target() instanceof Route.ToOperatorUpstream) || !health.snapshot(deployment).cooling()
                    || !inFlight.add(deployment.healthKey())) {
                continue;
            }
            try {
                upstreams.named(deployment.upstream()).orElseThrow().answers().whenComplete((answered, failure) -> {
                    inFlight.remove(deployment.healthKey());
                    if (failure == null && Boolean.TRUE.equals(answered)) {
                        health.checkedHealthy(deployment);
                        LOG.info("model group {}: deployment {} answered its health check; its cooldown ends", group.name(), deployment.name());
                    }
                });
            } catch (RuntimeException unexpected) {
                inFlight.remove(deployment.healthKey());
                LOG.warn("model group {}: the health check of {} could not be sent: {}", group.name(), deployment.name(), unexpected.toString());
            }
        }
    }

    @PreDestroy
    void stop() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }
}
