package io.keyway.bootstrap;

import io.micronaut.context.annotation.Replaces;
import io.micronaut.context.annotation.Requires;
import io.micronaut.health.HealthStatus;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.ResponseFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.management.endpoint.health.HealthEndpoint;
import io.micronaut.management.endpoint.health.filter.HealthResultFilter;
import io.micronaut.management.health.indicator.HealthResult;

/**
 * The health endpoints' status codes (503 while a component is down), as Micronaut's own {@link HealthResultFilter}
 * sets them, but from a filter that matches every path and looks at the body instead. The framework's filter names
 * its three paths as patterns, and one patterned filter sends every request, {@code /v1} included, down Micronaut's
 * slow way of finding filters (every pattern matched against the path, the list built and sorted): ~2% of the
 * event loop's samples on the hot path. Checking a body's type costs nothing by comparison.
 */
@ServerFilter(ServerFilter.MATCH_ALL_PATTERN)
@Replaces(HealthResultFilter.class)
@Requires(beans = HealthEndpoint.class)
final class HealthStatusCodes {
    private final HealthEndpoint health;

    HealthStatusCodes(HealthEndpoint health) {
        this.health = health;
    }

    @ResponseFilter
    void status(MutableHttpResponse<?> response) {
        if (!(response.body() instanceof HealthResult result)) {
            return;
        }
        HealthStatus status = result.getStatus();
        HttpStatus mapped = health.getStatusConfiguration().getHttpMapping().get(status.getName());
        if (mapped != null) {
            response.status(mapped);
        } else if (!status.getOperational().orElse(true)) {
            response.status(HttpStatus.SERVICE_UNAVAILABLE);
        }
    }
}
