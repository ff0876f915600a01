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
        @ApiResponse(responseCode = "401", description = "No key, or an unknown, revoked or expired one (code invalid_api_key or expired_api_key).",
                content = @Content(mediaType = ApiDocs.JSON, schema = @Schema(implementation = OpenAiError.class),
                        examples = @ExampleObject(value = ApiDocs.UNAUTHENTICATED))),
        @ApiResponse(responseCode = "403", description = "A key of the other kind (code wrong_key_kind).",
                content = @Content(mediaType = ApiDocs.JSON, schema = @Schema(implementation = OpenAiError.class),
                        examples = @ExampleObject(value = ApiDocs.WRONG_KIND))),
        @ApiResponse(responseCode = "429", description = "Too many failed authentications from this address (code too_many_failed_attempts), with Retry-After.",
                content = @Content(mediaType = ApiDocs.JSON, schema = @Schema(implementation = OpenAiError.class),
                        examples = @ExampleObject(value = ApiDocs.TOO_MANY))),
        @ApiResponse(responseCode = "503", description = "The key store is unreachable and the key is not in memory (code database_unavailable), with Retry-After.",
                content = @Content(mediaType = ApiDocs.JSON, schema = @Schema(implementation = OpenAiError.class),
                        examples = @ExampleObject(value = ApiDocs.DATABASE_UNAVAILABLE)))
    })
    @Post(uri = "/rotate", consumes = MediaType.ALL, produces = MediaType.APPLICATION_JSON)
    HttpResponse<?> rotate(HttpRequest<?> request, @Parameter(hidden = true) @Nullable @Header(HttpHeaders.AUTHORIZATION) String authorization) {
        return RefusalResponses.respond(managementKeys.rotateOwn(Bearer.token(authorization)), rotated -> {
            LOG.info("request_id={} management key {} rotated", RequestIds.of(request), rotated.key().id());
            return HttpResponse.ok(Views.managementKey(rotated.key(), rotated.secret()));
        });
    }
}
