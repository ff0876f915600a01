package io.keyway.http;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.keyway.application.IssueGatewayKey;
import io.keyway.application.RevokeGatewayKey;
import io.keyway.application.SetKeyLimits;
import io.keyway.application.ViewGatewayKeys;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Patch;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.json.tree.JsonNode;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** An account manages its gateway keys with its management key. */
@Controller("/v1/keys")
@Tag(name = "Keys")
@SecurityRequirement(name = ApiDocs.MANAGEMENT_KEY)
@ApiResponse(responseCode = "401", ref = ApiDocs.UNAUTHENTICATED_ANSWER)
@ApiResponse(responseCode = "403", ref = ApiDocs.WRONG_KIND_ANSWER)
@ApiResponse(responseCode = "429", ref = ApiDocs.TOO_MANY_FAILURES_ANSWER)
@ApiResponse(responseCode = "503", ref = ApiDocs.KEY_STORE_UNAVAILABLE_ANSWER)
@ExecuteOn(TaskExecutors.BLOCKING)
class KeysController {
    private static final Logger LOG = LoggerFactory.getLogger(KeysController.class);

    private final IssueGatewayKey issue;
    private final ViewGatewayKeys view;
    private final RevokeGatewayKey revoke;
    private final SetKeyLimits setLimits;
    private final JsonBodies bodies;

    KeysController(IssueGatewayKey issue, ViewGatewayKeys view, RevokeGatewayKey revoke, SetKeyLimits setLimits, JsonBodies bodies) {
        this.setLimits = setLimits;
        this.issue = issue;
        this.view = view;
        this.revoke = revoke;
        this.bodies = bodies;
    }

    @Operation(summary = "Create a gateway key",
            description = "A new gateway key for the management key's account, optionally with provider keys (sealed under its secret) and an expiry (unix seconds). The secret is in this answer only.",
            responses = {
        @ApiResponse(responseCode = "201", description = "The key with its secret in key.",
                content = @Content(mediaType = ApiDocs.JSON, schema = @Schema(implementation = Views.KeyView.class), examples = @ExampleObject(value = ApiDocs.KEY_CREATED))),
        @ApiResponse(responseCode = "400", description = "A body that is not the JSON object described, naming the field in param.",
                content = @Content(mediaType = ApiDocs.JSON, schema = @Schema(implementation = OpenAiError.class),
                        examples = @ExampleObject(value = ApiDocs.BAD_REQUEST)))
    })
    @io.swagger.v3.oas.annotations.parameters.RequestBody(description = "name (required), provider_keys (provider to API key), expires_at.", required = true,
            content = @Content(mediaType = ApiDocs.JSON, examples = @ExampleObject(value = ApiDocs.KEY_CREATE_REQUEST)))
    @Post(consumes = MediaType.ALL, produces = MediaType.APPLICATION_JSON)
    HttpResponse<?> create(HttpRequest<?> request, @Parameter(hidden = true) @Nullable @Header(HttpHeaders.AUTHORIZATION) String authorization, @Parameter(hidden = true) @Nullable @Body byte[] body) {
        try {
            JsonNode fields = bodies.object(request, body);
            IssueGatewayKey.Command command = new IssueGatewayKey.Command(Bearer.token(authorization),
                    JsonBodies.string(fields, "name"), JsonBodies.stringMap(fields, "provider_keys"), JsonBodies.wholeNumber(fields, "expires_at"),
                    JsonBodies.limits(fields));
            return RefusalResponses.respond(issue.issue(command), created -> {
                LOG.info("request_id={} gateway key {} created for account {} with provider keys {}", RequestIds.of(request), created.key().id(),
                        created.key().account(), created.key().providerKeys().keySet());
                return HttpResponse.created(Views.key(created.key(), created.secret(), provider -> null, created.checks()));
            });
        } catch (BadRequest bad) {
            return OpenAiError.invalidRequest(bad.getMessage(), bad.param());
        }
    }

    @Operation(summary = "List gateway keys",
            description = "The account's gateway keys, without secrets.",
            responses = {
        @ApiResponse(responseCode = "200", description = "The keys.",
                content = @Content(mediaType = ApiDocs.JSON, schema = @Schema(implementation = Views.KeyList.class), examples = @ExampleObject(value = ApiDocs.KEY_LIST)))
    })
    @Get(produces = MediaType.APPLICATION_JSON)
    HttpResponse<?> list(HttpRequest<?> request, @Parameter(hidden = true) @Nullable @Header(HttpHeaders.AUTHORIZATION) String authorization) {
        return RefusalResponses.respond(view.list(Bearer.token(authorization)), keys -> HttpResponse.ok(Views.keys(keys)));
    }

    @Operation(summary = "Retrieve a gateway key",
            description = "One of the account's gateway keys, without its secret.",
            responses = {
        @ApiResponse(responseCode = "200", description = "The key.",
                content = @Content(mediaType = ApiDocs.JSON, schema = @Schema(implementation = Views.KeyView.class), examples = @ExampleObject(value = ApiDocs.KEY))),
        @ApiResponse(responseCode = "404", description = "No such key in this account (code not_found).",
                content = @Content(mediaType = ApiDocs.JSON, schema = @Schema(implementation = OpenAiError.class),
                        examples = @ExampleObject(value = ApiDocs.NOT_FOUND)))
    })
    @Get(uri = "/{id}", produces = MediaType.APPLICATION_JSON)
    HttpResponse<?> get(HttpRequest<?> request, @Parameter(hidden = true) @Nullable @Header(HttpHeaders.AUTHORIZATION) String authorization, @PathVariable String id) {
        return RefusalResponses.respond(view.get(Bearer.token(authorization), id), key -> HttpResponse.ok(Views.key(key)));
    }

    @Operation(summary = "Change a gateway key's limits",
            description = "Sets, changes or removes (null) each of requests_per_minute, tokens_per_day and cost_per_month; a limit not "
                    + "named is kept. Every instance applies them from the key's next request on. A key over a limit gets 429 "
                    + "rate_limit_exceeded (budget_exceeded for cost) with Retry-After; token and cost limits count what answers reported, "
                    + "so they stop the next request once reached.",
            responses = {
        @ApiResponse(responseCode = "200", description = "The key with its limits.",
                content = @Content(mediaType = ApiDocs.JSON, schema = @Schema(implementation = Views.KeyView.class),
                        examples = @ExampleObject(value = ApiDocs.KEY_LIMITED))),
        @ApiResponse(responseCode = "400", description = "A limit that is not a positive number or null, named in param.",
                content = @Content(mediaType = ApiDocs.JSON, schema = @Schema(implementation = OpenAiError.class),
                        examples = @ExampleObject(value = ApiDocs.BAD_LIMIT))),
        @ApiResponse(responseCode = "404", description = "No such key in this account (code not_found).",
                content = @Content(mediaType = ApiDocs.JSON, schema = @Schema(implementation = OpenAiError.class),
                        examples = @ExampleObject(value = ApiDocs.NOT_FOUND)))
    })
    @io.swagger.v3.oas.annotations.parameters.RequestBody(description = "The limits to change.", required = true,
            content = @Content(mediaType = ApiDocs.JSON, examples = @ExampleObject(value = ApiDocs.LIMITS_REQUEST)))
    @Patch(uri = "/{id}", consumes = MediaType.ALL, produces = MediaType.APPLICATION_JSON)
    HttpResponse<?> patch(HttpRequest<?> request, @Parameter(hidden = true) @Nullable @Header(HttpHeaders.AUTHORIZATION) String authorization,
                          @PathVariable String id, @Parameter(hidden = true) @Nullable @Body byte[] body) {
        try {
            JsonNode fields = bodies.object(request, body);
            if (fields.get("limits") == null) {
                throw new BadRequest("'limits' is required: the one thing PATCH changes.", "limits");
            }
            return RefusalResponses.respond(setLimits.set(Bearer.token(authorization), id, JsonBodies.limits(fields)), key -> {
                LOG.info("request_id={} gateway key {} limits now {}", RequestIds.of(request), key.id(), key.limits());
                return HttpResponse.ok(Views.key(key));
            });
        } catch (BadRequest bad) {
            return OpenAiError.invalidRequest(bad.getMessage(), bad.param());
        }
    }

    @Operation(summary = "Delete a gateway key",
            description = "Revokes the key with its sealed provider keys: refused on its next request on this instance, within a second on every other.",
            responses = {
        @ApiResponse(responseCode = "204", description = "Deleted."),
        @ApiResponse(responseCode = "404", description = "No such key in this account (code not_found).",
                content = @Content(mediaType = ApiDocs.JSON, schema = @Schema(implementation = OpenAiError.class),
                        examples = @ExampleObject(value = ApiDocs.NOT_FOUND)))
    })
    @Delete(uri = "/{id}", produces = MediaType.APPLICATION_JSON)
    HttpResponse<?> delete(HttpRequest<?> request, @Parameter(hidden = true) @Nullable @Header(HttpHeaders.AUTHORIZATION) String authorization, @PathVariable String id) {
        return RefusalResponses.respond(revoke.revoke(Bearer.token(authorization), id), revoked -> {
            LOG.info("request_id={} gateway key {} deleted", RequestIds.of(request), revoked);
            return HttpResponse.noContent();
        });
    }
}
