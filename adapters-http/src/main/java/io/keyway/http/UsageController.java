package io.keyway.http;

import io.keyway.application.ViewUsage;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;

/** Usage reports: a gateway key's own, one key's and the whole account's. */
@Controller
@ApiResponse(responseCode = "200", description = "The report.", content = @Content(mediaType = ApiDocs.JSON,
        schema = @Schema(implementation = Views.UsageReport.class), examples = @ExampleObject(value = ApiDocs.USAGE)))
@ApiResponse(responseCode = "400", description = "A bad from, to or group_by, named in param.", content = @Content(
        mediaType = ApiDocs.JSON, schema = @Schema(implementation = OpenAiError.class), examples = @ExampleObject(value = ApiDocs.BAD_REQUEST)))
@ApiResponse(responseCode = "401", ref = ApiDocs.UNAUTHENTICATED_ANSWER)
@ApiResponse(responseCode = "403", ref = ApiDocs.WRONG_KIND_ANSWER)
@ApiResponse(responseCode = "503", ref = ApiDocs.DATABASE_UNAVAILABLE_ANSWER)
@ExecuteOn(TaskExecutors.BLOCKING)
class UsageController {
    private final ViewUsage usage;

    UsageController(ViewUsage usage) {
        this.usage = usage;
    }

    @Operation(summary = "This gateway key's usage", tags = "Gateway key", security = @SecurityRequirement(name = ApiDocs.GATEWAY_KEY),
            description = ApiDocs.USAGE_DESCRIPTION)
    @Get(uri = "/v1/key/usage", produces = MediaType.APPLICATION_JSON)
    HttpResponse<?> ownKey(@Parameter(hidden = true) @Nullable @Header(HttpHeaders.AUTHORIZATION) String authorization,
                           @Nullable @QueryValue String from, @Nullable @QueryValue String to,
                           @Nullable @QueryValue("group_by") String groupBy) {
        return RefusalResponses.respond(usage.ownKey(Bearer.token(authorization), new ViewUsage.Parameters(from, to, groupBy)),
                report -> HttpResponse.ok(Views.usage(report)));
    }

    @Operation(summary = "A gateway key's usage", tags = "Keys", security = @SecurityRequirement(name = ApiDocs.MANAGEMENT_KEY),
            description = ApiDocs.USAGE_DESCRIPTION, responses = {
            @ApiResponse(responseCode = "404", description = "No such key in this account.", content = @Content(
                    mediaType = ApiDocs.JSON, schema = @Schema(implementation = OpenAiError.class), examples = @ExampleObject(value = ApiDocs.NOT_FOUND)))})
    @Get(uri = "/v1/keys/{id}/usage", produces = MediaType.APPLICATION_JSON)
    HttpResponse<?> oneKey(@Parameter(hidden = true) @Nullable @Header(HttpHeaders.AUTHORIZATION) String authorization, @PathVariable String id,
                           @Nullable @QueryValue String from, @Nullable @QueryValue String to,
                           @Nullable @QueryValue("group_by") String groupBy) {
        return RefusalResponses.respond(usage.oneKey(Bearer.token(authorization), id, new ViewUsage.Parameters(from, to, groupBy)),
                report -> HttpResponse.ok(Views.usage(report)));
    }

    @Operation(summary = "The account's usage", tags = "Keys", security = @SecurityRequirement(name = ApiDocs.MANAGEMENT_KEY),
            description = ApiDocs.USAGE_DESCRIPTION)
    @Get(uri = "/v1/usage", produces = MediaType.APPLICATION_JSON)
    HttpResponse<?> account(@Parameter(hidden = true) @Nullable @Header(HttpHeaders.AUTHORIZATION) String authorization,
                            @Nullable @QueryValue String from, @Nullable @QueryValue String to,
                            @Nullable @QueryValue("group_by") String groupBy) {
        return RefusalResponses.respond(usage.account(Bearer.token(authorization), new ViewUsage.Parameters(from, to, groupBy)),
                report -> HttpResponse.ok(Views.usage(report)));
    }
}
