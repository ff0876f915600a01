package io.keyway.http;

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
@ExecuteOn(TaskExecutors.BLOCKING)
class AdminController {
    private static final Logger LOG = LoggerFactory.getLogger(AdminController.class);

    private final CreateAccount createAccount;
    private final Accounts accounts;
    private final ManagementKeys managementKeys;
    private final JsonBodies bodies;
    private final byte[] adminToken;

    AdminController(CreateAccount createAccount, Accounts accounts, ManagementKeys managementKeys, JsonBodies bodies,
                    AdminToken adminToken) {
        this.createAccount = createAccount;
        this.accounts = accounts;
        this.managementKeys = managementKeys;
        this.bodies = bodies;
        this.adminToken = adminToken.bytes();
    }

    @Get(uri = "/accounts", produces = MediaType.APPLICATION_JSON)
    HttpResponse<?> listAccounts(@Nullable @Header(HttpHeaders.AUTHORIZATION) String authorization) {
        HttpResponse<?> denied = admit(authorization);
        return denied != null ? denied : HttpResponse.ok(Views.accounts(accounts.list()));
    }

    @Get(uri = "/accounts/{id}", produces = MediaType.APPLICATION_JSON)
    HttpResponse<?> getAccount(@Nullable @Header(HttpHeaders.AUTHORIZATION) String authorization, @PathVariable String id) {
        HttpResponse<?> denied = admit(authorization);
        return denied != null ? denied : RefusalResponses.respond(accounts.get(id), details -> HttpResponse.ok(Views.account(details)));
    }

    @Delete(uri = "/accounts/{id}", produces = MediaType.APPLICATION_JSON)
    HttpResponse<?> deleteAccount(HttpRequest<?> request, @Nullable @Header(HttpHeaders.AUTHORIZATION) String authorization, @PathVariable String id) {
        HttpResponse<?> denied = admit(authorization);
        return denied != null ? denied : RefusalResponses.respond(accounts.delete(id), deleted -> {
            LOG.info("request_id={} account {} deleted with every key it held", RequestIds.of(request), deleted);
            return HttpResponse.noContent();
        });
    }

    @Post(uri = "/accounts/{id}/management-keys", consumes = MediaType.ALL, produces = MediaType.APPLICATION_JSON)
    HttpResponse<?> addManagementKey(HttpRequest<?> request, @Nullable @Header(HttpHeaders.AUTHORIZATION) String authorization, @PathVariable String id) {
        HttpResponse<?> denied = admit(authorization);
        return denied != null ? denied : RefusalResponses.respond(managementKeys.add(id), created -> {
            LOG.info("request_id={} management key {} created for account {}", RequestIds.of(request), created.key().id(), created.key().account());
            return HttpResponse.created(Views.managementKey(created.key(), created.secret()));
        });
    }

    @Delete(uri = "/accounts/{id}/management-keys/{keyId}", produces = MediaType.APPLICATION_JSON)
    HttpResponse<?> deleteManagementKey(HttpRequest<?> request, @Nullable @Header(HttpHeaders.AUTHORIZATION) String authorization,
                                        @PathVariable String id, @PathVariable String keyId) {
        HttpResponse<?> denied = admit(authorization);
        return denied != null ? denied : RefusalResponses.respond(managementKeys.delete(id, keyId), deleted -> {
            LOG.info("request_id={} management key {} deleted", RequestIds.of(request), deleted);
            return HttpResponse.noContent();
        });
    }

    @Post(uri = "/accounts", consumes = MediaType.ALL, produces = MediaType.APPLICATION_JSON)
    HttpResponse<?> createAccount(HttpRequest<?> request, @Nullable @Header(HttpHeaders.AUTHORIZATION) String authorization, @Nullable @Body byte[] body) {
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

    private HttpResponse<?> admit(String authorization) {
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
}
