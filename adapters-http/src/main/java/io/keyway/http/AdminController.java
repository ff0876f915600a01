package io.keyway.http;

import io.keyway.application.CreateAccount;
import io.micronaut.context.annotation.Value;
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
    private final JsonBodies bodies;
    private final byte[] adminToken;

    AdminController(CreateAccount createAccount, JsonBodies bodies, @Value("${keyway.admin-token:}") String adminToken) {
        this.createAccount = createAccount;
        this.bodies = bodies;
        this.adminToken = adminToken.isBlank() ? null : adminToken.strip().getBytes(StandardCharsets.UTF_8);
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
