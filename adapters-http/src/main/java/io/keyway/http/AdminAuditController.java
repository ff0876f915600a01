package io.keyway.http;

import io.keyway.application.ViewAudit;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Header;
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
import io.swagger.v3.oas.annotations.tags.Tag;

import java.nio.charset.StandardCharsets;

/** The operator reads any account's audit trail with the admin token: {@code GET /admin/audit?account=…} and its verify. */
@Controller("/admin/audit")
@Tag(name = "Admin")
@SecurityRequirement(name = ApiDocs.ADMIN_TOKEN)
@ApiResponse(responseCode = "400", description = "A bad account, from, to, action, key_id, limit or cursor, named in param.",
        content = @Content(mediaType = ApiDocs.JSON, schema = @Schema(implementation = OpenAiError.class), examples = @ExampleObject(value = ApiDocs.BAD_REQUEST)))
@ApiResponse(responseCode = "401", ref = ApiDocs.ADMIN_UNAUTHENTICATED_ANSWER)
@ApiResponse(responseCode = "403", ref = ApiDocs.ADMIN_DISABLED_ANSWER)
@ApiResponse(responseCode = "503", ref = ApiDocs.KEY_STORE_UNAVAILABLE_ANSWER)
@Requires(beans = ViewAudit.class)
@ExecuteOn(TaskExecutors.BLOCKING)
class AdminAuditController {
    private final ViewAudit audit;
    private final byte[] adminToken;

    AdminAuditController(ViewAudit audit, AdminToken adminToken) {
        this.audit = audit;
        this.adminToken = adminToken.bytes();
    }

    @Operation(summary = "An account's audit trail", description = "As GET /v1/audit, for the account named by account (its id).")
    @ApiResponse(responseCode = "200", description = "A page of the trail.",
            content = @Content(mediaType = ApiDocs.JSON, examples = @ExampleObject(value = ApiDocs.AUDIT_PAGE)))
    @Get(produces = MediaType.APPLICATION_JSON)
    HttpResponse<?> page(@Parameter(hidden = true) @Nullable @Header(HttpHeaders.AUTHORIZATION) String authorization,
                         @Nullable @QueryValue String account, @Nullable @QueryValue String from, @Nullable @QueryValue String to,
                         @Nullable @QueryValue String action, @Nullable @QueryValue("key_id") String keyId,
                         @Nullable @QueryValue String limit, @Nullable @QueryValue String cursor) {
        HttpResponse<?> denied = AdminController.admit(adminToken, authorization);
        return denied != null ? denied : RefusalResponses.respond(audit.pageForOperator(account,
                        new ViewAudit.Parameters(from, to, action, keyId, limit, cursor)),
                page -> HttpResponse.ok(AuditController.json(page).getBytes(StandardCharsets.UTF_8)).contentType(MediaType.APPLICATION_JSON_TYPE));
    }

    @Operation(summary = "Check an account's audit chain", description = "As GET /v1/audit/verify, for the account named by account.")
    @ApiResponse(responseCode = "200", description = "What the check found.",
            content = @Content(mediaType = ApiDocs.JSON, examples = @ExampleObject(value = ApiDocs.AUDIT_VERIFICATION)))
    @Get(uri = "/verify", produces = MediaType.APPLICATION_JSON)
    HttpResponse<?> verify(@Parameter(hidden = true) @Nullable @Header(HttpHeaders.AUTHORIZATION) String authorization,
                           @Nullable @QueryValue String account) {
        HttpResponse<?> denied = AdminController.admit(adminToken, authorization);
        return denied != null ? denied : RefusalResponses.respond(audit.verifyForOperator(account), verification ->
                HttpResponse.ok(AuditController.verification(verification).getBytes(StandardCharsets.UTF_8)).contentType(MediaType.APPLICATION_JSON_TYPE));
    }
}
