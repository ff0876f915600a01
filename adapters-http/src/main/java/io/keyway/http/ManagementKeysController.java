package io.keyway.http;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
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

    @Operation(summary = "Rotate this management key", tags = "Keys", security = @SecurityRequirement(name = ApiDocs.MANAGEMENT_KEY), 
            description = "Replaces the calling management key's secret (same id); the old one stops working at once. The new key is in this answer only.",
            responses = {
        @ApiResponse(responseCode = "200", description = "The management key with its new secret in key.",
                content = @Content(mediaType = ApiDocs.JSON, schema = @Schema(implementation = Views.ManagementKeyView.class), examples = @ExampleObject(value = ApiDocs.MANAGEMENT_KEY_CREATED))),
        @ApiResponse(responseCode = "401", ref = ApiDocs.UNAUTHENTICATED_ANSWER),
        @ApiResponse(responseCode = "403", ref = ApiDocs.WRONG_KIND_ANSWER),
        @ApiResponse(responseCode = "429", ref = ApiDocs.TOO_MANY_FAILURES_ANSWER),
        @ApiResponse(responseCode = "503", ref = ApiDocs.KEY_STORE_UNAVAILABLE_ANSWER)
    })
    @Post(uri = "/rotate", consumes = MediaType.ALL, produces = MediaType.APPLICATION_JSON)
    HttpResponse<?> rotate(HttpRequest<?> request, @Parameter(hidden = true) @Nullable @Header(HttpHeaders.AUTHORIZATION) String authorization) {
        return RefusalResponses.respond(managementKeys.rotateOwn(Bearer.token(authorization)), rotated -> {
            LOG.info("request_id={} management key {} rotated", RequestIds.of(request), rotated.key().id());
            return HttpResponse.ok(Views.managementKey(rotated.key(), rotated.secret()));
        });
    }
}
