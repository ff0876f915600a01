package io.keyway.http;

import io.keyway.application.ViewAudit;
import io.keyway.domain.audit.AuditChain;
import io.keyway.domain.audit.AuditEvent;
import io.keyway.domain.audit.AuditLog;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
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

/**
 * An account's audit trail, read with its management key: {@code GET /v1/audit} (newest first, a page at a time, with
 * the chain's head; NDJSON with {@code Accept: application/x-ndjson}) and {@code GET /v1/audit/verify}.
 */
@Controller("/v1/audit")
@Tag(name = "Audit")
@SecurityRequirement(name = ApiDocs.MANAGEMENT_KEY)
@ApiResponse(responseCode = "400", description = "A bad from, to, action, key_id, limit or cursor, named in param.",
        content = @Content(mediaType = ApiDocs.JSON, schema = @Schema(implementation = OpenAiError.class), examples = @ExampleObject(value = ApiDocs.BAD_REQUEST)))
@ApiResponse(responseCode = "401", ref = ApiDocs.UNAUTHENTICATED_ANSWER)
@ApiResponse(responseCode = "403", ref = ApiDocs.WRONG_KIND_ANSWER)
@ApiResponse(responseCode = "503", ref = ApiDocs.DATABASE_UNAVAILABLE_ANSWER)
@ExecuteOn(TaskExecutors.BLOCKING)
class AuditController {
    static final String NDJSON = "application/x-ndjson";
    private final ViewAudit audit;

    AuditController(ViewAudit audit) {
        this.audit = audit;
    }

    @Operation(summary = "The account's audit trail",
            description = "Every change to the account and its keys, newest first: time, action, the key and provider concerned, the "
                    + "change (never a secret: a provider key by its last four characters), the actor (management_key:<id>, "
                    + "gateway_key:<id>, admin or cli), client address, request id and the row's hash. Filters: from and to (unix "
                    + "seconds or RFC 3339), action, key_id; limit (1-500, default 100); cursor (next_cursor of the previous "
                    + "page). head is the account's newest hash: save it to detect a rewrite later.")
    @ApiResponse(responseCode = "200", description = "A page of the trail.",
            content = @Content(mediaType = ApiDocs.JSON, examples = @ExampleObject(value = ApiDocs.AUDIT_PAGE)))
    @Get(produces = {MediaType.APPLICATION_JSON, NDJSON})
    HttpResponse<?> page(HttpRequest<?> request, @Parameter(hidden = true) @Nullable @Header(HttpHeaders.AUTHORIZATION) String authorization,
                         @Nullable @QueryValue String from, @Nullable @QueryValue String to, @Nullable @QueryValue String action,
                         @Nullable @QueryValue("key_id") String keyId, @Nullable @QueryValue String limit, @Nullable @QueryValue String cursor) {
        boolean lines = request.getHeaders().accept().stream().anyMatch(type -> type.toString().startsWith(NDJSON));
        return RefusalResponses.respond(audit.page(Bearer.token(authorization), new ViewAudit.Parameters(from, to, action, keyId, limit, cursor)),
                page -> lines ? HttpResponse.ok(ndjson(page).getBytes(StandardCharsets.UTF_8)).contentType(NDJSON)
                        : HttpResponse.ok(json(page).getBytes(StandardCharsets.UTF_8)).contentType(MediaType.APPLICATION_JSON_TYPE));
    }

    @Operation(summary = "Check the account's audit chain",
            description = "Recomputes every row's hash from the first: intact, the rows checked, the head, and the id of the first row "
                    + "whose hash does not match (an edited or removed row before it) or null.")
    @ApiResponse(responseCode = "200", description = "What the check found.",
            content = @Content(mediaType = ApiDocs.JSON, examples = @ExampleObject(value = ApiDocs.AUDIT_VERIFICATION)))
    @Get(uri = "/verify", produces = MediaType.APPLICATION_JSON)
    HttpResponse<?> verify(@Parameter(hidden = true) @Nullable @Header(HttpHeaders.AUTHORIZATION) String authorization) {
        return RefusalResponses.respond(audit.verify(Bearer.token(authorization)), verification ->
                HttpResponse.ok(verification(verification).getBytes(StandardCharsets.UTF_8)).contentType(MediaType.APPLICATION_JSON_TYPE));
    }

    static String verification(AuditChain.Verification verification) {
        return "{\"object\":\"audit.verification\",\"intact\":" + verification.intact() + ",\"rows\":" + verification.rows()
                + ",\"head\":\"" + verification.head() + "\",\"first_mismatch\":" + verification.firstMismatch() + "}";
    }

    static String json(AuditLog.Page page) {
        StringBuilder json = new StringBuilder("{\"object\":\"list\",\"data\":[");
        for (int i = 0; i < page.events().size(); i++) {
            if (i > 0) {
                json.append(',');
            }
            event(json, page.events().get(i), page);
        }
        return json.append("],\"head\":\"").append(page.head()).append("\",\"next_cursor\":")
                .append(page.next() == null ? "null" : "\"" + page.next() + "\"").append('}').toString();
    }

    private static String ndjson(AuditLog.Page page) {
        StringBuilder lines = new StringBuilder();
        for (AuditEvent event : page.events()) {
            event(lines, event, page);
            lines.append('\n');
        }
        return lines.toString();
    }

    /** One row; its change is Keyway's own canonical JSON, written as the object it is. */
    static void event(StringBuilder json, AuditEvent event, AuditLog.Page page) {
        json.append("{\"object\":\"audit.event\",\"id\":").append(event.sequence())
                .append(",\"at\":").append(event.at().getEpochSecond())
                .append(",\"at_micros\":").append(event.at().getEpochSecond() * 1_000_000L + event.at().getNano() / 1_000)
                .append(",\"account_id\":").append(JsonText.quote(event.account().value().toString()))
                .append(",\"action\":").append(JsonText.quote(event.action()))
                .append(",\"key_id\":").append(text(event.keyId()))
                .append(",\"key_deleted\":").append(event.keyId() == null ? "null" : Boolean.toString(page.keyDeleted(event)))
                .append(",\"provider\":").append(text(event.provider()))
                .append(",\"change\":").append(event.change())
                .append(",\"actor\":").append(JsonText.quote(event.actor().actor()))
                .append(",\"client_address\":").append(text(event.actor().clientAddress()))
                .append(",\"request_id\":").append(text(event.actor().requestId()))
                .append(",\"hash\":\"").append(AuditChain.hex(event.hash())).append("\"}");
    }

    private static String text(String value) {
        return value == null ? "null" : JsonText.quote(value);
    }
}
