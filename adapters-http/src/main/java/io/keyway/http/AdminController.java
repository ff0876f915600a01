package io.keyway.http;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.keyway.application.Accounts;
import io.keyway.application.CreateAccount;
import io.keyway.application.ManagementKeys;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/** The operator's API, behind {@code KEYWAY_ADMIN_TOKEN}; without that token set it refuses every call. */
@Controller("/admin")
@Tag(name = "Admin")
@SecurityRequirement(name = ApiDocs.ADMIN_TOKEN)
@ApiResponse(responseCode = "503", ref = ApiDocs.KEY_STORE_UNAVAILABLE_ANSWER)
@ApiResponse(responseCode = "401", ref = ApiDocs.ADMIN_UNAUTHENTICATED_ANSWER)
@ApiResponse(responseCode = "403", ref = ApiDocs.ADMIN_DISABLED_ANSWER)
@ApiResponse(responseCode = "429", ref = ApiDocs.TOO_MANY_FAILURES_ANSWER)
@ExecuteOn(TaskExecutors.BLOCKING)
class AdminController {
    private static final Logger LOG = LoggerFactory.getLogger(AdminController.class);

    private final CreateAccount createAccount;
    private final Accounts accounts;
    private final ManagementKeys managementKeys;
    private final JsonBodies bodies;
    private final byte[] adminToken;
    private final io.keyway.domain.port.ModelRouter router;

    AdminController(CreateAccount createAccount, Accounts accounts, ManagementKeys managementKeys, JsonBodies bodies,
                    AdminToken adminToken, io.keyway.domain.port.ModelRouter router) {
        this.router = router;
        this.createAccount = createAccount;
        this.accounts = accounts;
        this.managementKeys = managementKeys;
        this.bodies = bodies;
        this.adminToken = adminToken.bytes();
    }

    @Operation(summary = "Routing state of this instance",
            description = "Each model group (configured, or a model several upstreams list): its strategy, aliases and fallbacks, and each "
                    + "deployment's state on this instance: ready, cooling (until cooling_until, unix seconds) or probing, requests in flight, "
                    + "failures in a row, calls and failures in the last 60 s, and the moving average of its time to a first byte. "
                    + "Each instance learns from its own traffic.",
            responses = {
        @ApiResponse(responseCode = "200", description = "The groups.",
                content = @Content(mediaType = ApiDocs.JSON, schema = @Schema(implementation = Views.RoutingView.class),
                        examples = @ExampleObject(value = ApiDocs.ROUTING)))
    })
    @Get(uri = "/routing", produces = MediaType.APPLICATION_JSON)
    HttpResponse<?> routing(@Parameter(hidden = true) @Nullable @Header(HttpHeaders.AUTHORIZATION) String authorization) {
        HttpResponse<?> denied = admit(authorization);
        return denied != null ? denied : HttpResponse.ok(Views.routing(router));
    }

    @Operation(summary = "List accounts",
            description = "Every account, without keys.",
            responses = {
        @ApiResponse(responseCode = "200", description = "The accounts.",
                content = @Content(mediaType = ApiDocs.JSON, schema = @Schema(implementation = Views.AccountList.class), examples = @ExampleObject(value = ApiDocs.ACCOUNT_LIST)))
    })
    @Get(uri = "/accounts", produces = MediaType.APPLICATION_JSON)
    HttpResponse<?> listAccounts(@Parameter(hidden = true) @Nullable @Header(HttpHeaders.AUTHORIZATION) String authorization) {
        HttpResponse<?> denied = admit(authorization);
        return denied != null ? denied : HttpResponse.ok(Views.accounts(accounts.list()));
    }

    @Operation(summary = "Retrieve an account",
            description = "An account with its management keys (no secrets) and how many gateway keys it holds.",
            responses = {
        @ApiResponse(responseCode = "200", description = "The account.",
                content = @Content(mediaType = ApiDocs.JSON, schema = @Schema(implementation = Views.AccountView.class), examples = @ExampleObject(value = ApiDocs.ACCOUNT))),
        @ApiResponse(responseCode = "404", description = "No such account or key (code not_found).",
                content = @Content(mediaType = ApiDocs.JSON, schema = @Schema(implementation = OpenAiError.class),
                        examples = @ExampleObject(value = ApiDocs.NOT_FOUND)))
    })
    @Get(uri = "/accounts/{id}", produces = MediaType.APPLICATION_JSON)
    HttpResponse<?> getAccount(@Parameter(hidden = true) @Nullable @Header(HttpHeaders.AUTHORIZATION) String authorization, @PathVariable String id) {
        HttpResponse<?> denied = admit(authorization);
        return denied != null ? denied : RefusalResponses.respond(accounts.get(id), details -> HttpResponse.ok(Views.account(details)));
    }

    @Operation(summary = "Delete an account",
            description = "Deletes the account with every key it holds; each is refused on its next request.",
            responses = {
        @ApiResponse(responseCode = "204", description = "Deleted."),
        @ApiResponse(responseCode = "404", description = "No such account or key (code not_found).",
                content = @Content(mediaType = ApiDocs.JSON, schema = @Schema(implementation = OpenAiError.class),
                        examples = @ExampleObject(value = ApiDocs.NOT_FOUND)))
    })
    @Delete(uri = "/accounts/{id}", produces = MediaType.APPLICATION_JSON)
    HttpResponse<?> deleteAccount(HttpRequest<?> request, @Parameter(hidden = true) @Nullable @Header(HttpHeaders.AUTHORIZATION) String authorization, @PathVariable String id) {
        HttpResponse<?> denied = admit(authorization);
        return denied != null ? denied : RefusalResponses.respond(accounts.delete(id), deleted -> {
            LOG.info("request_id={} account {} deleted with every key it held", RequestIds.of(request), deleted);
            return HttpResponse.noContent();
        });
    }

    @Operation(summary = "Add a management key",
            description = "Another management key for the account; its secret is in this answer only.",
            responses = {
        @ApiResponse(responseCode = "201", description = "The management key with its secret in key.",
                content = @Content(mediaType = ApiDocs.JSON, schema = @Schema(implementation = Views.ManagementKeyView.class), examples = @ExampleObject(value = ApiDocs.MANAGEMENT_KEY_CREATED))),
        @ApiResponse(responseCode = "404", description = "No such account or key (code not_found).",
                content = @Content(mediaType = ApiDocs.JSON, schema = @Schema(implementation = OpenAiError.class),
                        examples = @ExampleObject(value = ApiDocs.NOT_FOUND)))
    })
    @Post(uri = "/accounts/{id}/management-keys", consumes = MediaType.ALL, produces = MediaType.APPLICATION_JSON)
    HttpResponse<?> addManagementKey(HttpRequest<?> request, @Parameter(hidden = true) @Nullable @Header(HttpHeaders.AUTHORIZATION) String authorization, @PathVariable String id) {
        HttpResponse<?> denied = admit(authorization);
        return denied != null ? denied : RefusalResponses.respond(managementKeys.add(id), created -> {
            LOG.info("request_id={} management key {} created for account {}", RequestIds.of(request), created.key().id(), created.key().account());
            return HttpResponse.created(Views.managementKey(created.key(), created.secret()));
        });
    }

    @Operation(summary = "Delete a management key",
            description = "Revokes one management key of the account.",
            responses = {
        @ApiResponse(responseCode = "204", description = "Deleted."),
        @ApiResponse(responseCode = "404", description = "No such account or key (code not_found).",
                content = @Content(mediaType = ApiDocs.JSON, schema = @Schema(implementation = OpenAiError.class),
                        examples = @ExampleObject(value = ApiDocs.NOT_FOUND)))
    })
    @Delete(uri = "/accounts/{id}/management-keys/{keyId}", produces = MediaType.APPLICATION_JSON)
    HttpResponse<?> deleteManagementKey(HttpRequest<?> request, @Parameter(hidden = true) @Nullable @Header(HttpHeaders.AUTHORIZATION) String authorization,
                                        @PathVariable String id, @PathVariable String keyId) {
        HttpResponse<?> denied = admit(authorization);
        return denied != null ? denied : RefusalResponses.respond(managementKeys.delete(id, keyId), deleted -> {
            LOG.info("request_id={} management key {} deleted", RequestIds.of(request), deleted);
            return HttpResponse.noContent();
        });
    }

    @Operation(summary = "Create an account",
            description = "A new account and its first management key, whose secret is in this answer only.",
            responses = {
        @ApiResponse(responseCode = "201", description = "The account with its management key.",
                content = @Content(mediaType = ApiDocs.JSON, schema = @Schema(implementation = Views.AccountCreated.class), examples = @ExampleObject(value = ApiDocs.ACCOUNT_CREATED))),
        @ApiResponse(responseCode = "400", description = "A body that is not the JSON object described, naming the field in param.",
                content = @Content(mediaType = ApiDocs.JSON, schema = @Schema(implementation = OpenAiError.class),
                        examples = @ExampleObject(value = ApiDocs.BAD_REQUEST)))
    })
    @io.swagger.v3.oas.annotations.parameters.RequestBody(description = "The account's name.", required = true,
            content = @Content(mediaType = ApiDocs.JSON, examples = @ExampleObject(value = ApiDocs.ACCOUNT_REQUEST)))
    @Post(uri = "/accounts", consumes = MediaType.ALL, produces = MediaType.APPLICATION_JSON)
    HttpResponse<?> createAccount(HttpRequest<?> request, @Parameter(hidden = true) @Nullable @Header(HttpHeaders.AUTHORIZATION) String authorization, @Parameter(hidden = true) @Nullable @Body byte[] body) {
        HttpResponse<?> denied = admit(authorization);
        if (denied != null) {
            return denied;
        }
        try {
            String name = JsonBodies.string(bodies.object(request, body), "name");
            return RefusalResponses.respond(createAccount.create(name), created -> {
                LOG.info("request_id={} account {} created", RequestIds.of(request), created.account().id());
                return HttpResponse.created(new Views.AccountCreated(created.account().id().toString(),
                        created.account().name(), created.managementKey(), created.account().createdAt().getEpochSecond()));
            });
        } catch (BadRequest bad) {
            return OpenAiError.invalidRequest(bad.getMessage(), bad.param());
        }
    }

    /** Null when the admin token is right; else the answer that refuses the request. */
    static HttpResponse<?> admit(byte[] adminToken, String authorization) {
        if (adminToken == null) {
            return OpenAiError.response(403, OpenAiError.PERMISSION, "admin_api_disabled", null,
                    "The admin API is disabled: the operator has not set KEYWAY_ADMIN_TOKEN.");
        }
        String token = Bearer.token(authorization);
        if (token == null || !MessageDigest.isEqual(adminToken, token.getBytes(StandardCharsets.UTF_8))) {
            return OpenAiError.response(401, OpenAiError.AUTHENTICATION, "invalid_admin_token", null,
                    "A valid admin token is required: 'Authorization: Bearer <KEYWAY_ADMIN_TOKEN>'.")
                    .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
        }
        return null;
    }

    private HttpResponse<?> admit(String authorization) {
        return admit(adminToken, authorization);
    }
}
