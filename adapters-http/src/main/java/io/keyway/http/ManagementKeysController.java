package io.keyway.http;

import io.keyway.application.ManagementKeys;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A management key's holder replaces its secret. */
@Controller("/v1/management-keys")
@ExecuteOn(TaskExecutors.BLOCKING)
class ManagementKeysController {
    private static final Logger LOG = LoggerFactory.getLogger(ManagementKeysController.class);

    private final ManagementKeys managementKeys;

    ManagementKeysController(ManagementKeys managementKeys) {
        this.managementKeys = managementKeys;
    }

    @Post(uri = "/rotate", consumes = MediaType.ALL, produces = MediaType.APPLICATION_JSON)
    HttpResponse<?> rotate(HttpRequest<?> request, @Nullable @Header(HttpHeaders.AUTHORIZATION) String authorization) {
        return RefusalResponses.respond(managementKeys.rotateOwn(Bearer.token(authorization)), rotated -> {
            LOG.info("request_id={} management key {} rotated", RequestIds.of(request), rotated.key().id());
            return HttpResponse.ok(Views.managementKey(rotated.key(), rotated.secret()));
        });
    }
}
