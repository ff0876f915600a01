package io.keyway.http;

import io.keyway.application.IssueGatewayKey;
import io.keyway.application.RevokeGatewayKey;
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
@ExecuteOn(TaskExecutors.BLOCKING)
class KeysController {
    private static final Logger LOG = LoggerFactory.getLogger(KeysController.class);

    private final IssueGatewayKey issue;
    private final ViewGatewayKeys view;
    private final RevokeGatewayKey revoke;
    private final JsonBodies bodies;

    KeysController(IssueGatewayKey issue, ViewGatewayKeys view, RevokeGatewayKey revoke, JsonBodies bodies) {
        this.issue = issue;
        this.view = view;
        this.revoke = revoke;
        this.bodies = bodies;
    }

    @Post(consumes = MediaType.ALL, produces = MediaType.APPLICATION_JSON)
    HttpResponse<?> create(HttpRequest<?> request, @Nullable @Header(HttpHeaders.AUTHORIZATION) String authorization, @Nullable @Body byte[] body) {
        try {
            JsonNode fields = bodies.object(request, body);
            IssueGatewayKey.Command command = new IssueGatewayKey.Command(Bearer.token(authorization),
                    JsonBodies.string(fields, "name"), JsonBodies.stringMap(fields, "provider_keys"), JsonBodies.wholeNumber(fields, "expires_at"));
            return RefusalResponses.respond(issue.issue(command), created -> {
                LOG.info("request_id={} gateway key {} created for account {} with provider keys {}", RequestIds.of(request), created.key().id(),
                        created.key().account(), created.key().providerKeys().keySet());
                return HttpResponse.created(Views.key(created.key(), created.secret()));
            });
        } catch (BadRequest bad) {
            return OpenAiError.invalidRequest(bad.getMessage(), bad.param());
        }
    }

    @Get(produces = MediaType.APPLICATION_JSON)
    HttpResponse<?> list(HttpRequest<?> request, @Nullable @Header(HttpHeaders.AUTHORIZATION) String authorization) {
        return RefusalResponses.respond(view.list(Bearer.token(authorization)), keys -> HttpResponse.ok(Views.keys(keys)));
    }

    @Get(uri = "/{id}", produces = MediaType.APPLICATION_JSON)
    HttpResponse<?> get(HttpRequest<?> request, @Nullable @Header(HttpHeaders.AUTHORIZATION) String authorization, @PathVariable String id) {
        return RefusalResponses.respond(view.get(Bearer.token(authorization), id), key -> HttpResponse.ok(Views.key(key)));
    }

    @Delete(uri = "/{id}", produces = MediaType.APPLICATION_JSON)
    HttpResponse<?> delete(HttpRequest<?> request, @Nullable @Header(HttpHeaders.AUTHORIZATION) String authorization, @PathVariable String id) {
        return RefusalResponses.respond(revoke.revoke(Bearer.token(authorization), id), revoked -> {
            LOG.info("request_id={} gateway key {} deleted", RequestIds.of(request), revoked);
            return HttpResponse.noContent();
        });
    }
}
