package io.keyway.http;

import io.keyway.application.ManageProviderKeys;
import io.keyway.application.RotateGatewayKey;
import io.keyway.application.Upstreams;
import io.keyway.domain.model.GatewayKey;
import io.keyway.domain.port.CompletionProvider;
import io.micronaut.http.annotation.Post;
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
import io.micronaut.http.annotation.Put;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A gateway key's holder reads it and manages the provider keys it carries. */
@Controller("/v1/key")
@ExecuteOn(TaskExecutors.BLOCKING)
class KeyController {
    private static final Logger LOG = LoggerFactory.getLogger(KeyController.class);

    private final ManageProviderKeys providerKeys;
    private final RotateGatewayKey rotation;
    private final Upstreams upstreams;
    private final JsonBodies bodies;

    KeyController(ManageProviderKeys providerKeys, RotateGatewayKey rotation, Upstreams upstreams, JsonBodies bodies) {
        this.providerKeys = providerKeys;
        this.rotation = rotation;
        this.upstreams = upstreams;
        this.bodies = bodies;
    }

    @Get(produces = MediaType.APPLICATION_JSON)
    HttpResponse<?> show(HttpRequest<?> request, @Nullable @Header(HttpHeaders.AUTHORIZATION) String authorization) {
        return RefusalResponses.respond(providerKeys.show(Bearer.token(authorization)), key -> HttpResponse.ok(view(key, null)));
    }

    /** The key with where each of its provider keys is sent, so that its holder can see which host receives them. */
    private Views.KeyView view(GatewayKey key, String secret) {
        return Views.key(key, secret, provider -> upstreams.named(provider.value()).map(CompletionProvider::host).orElse(null));
    }

    @Post(uri = "/rotate", consumes = MediaType.ALL, produces = MediaType.APPLICATION_JSON)
    HttpResponse<?> rotate(HttpRequest<?> request, @Nullable @Header(HttpHeaders.AUTHORIZATION) String authorization, @Nullable @Body byte[] body) {
        try {
            Long grace = JsonBodies.wholeNumber(bodies.optionalObject(request, body), "grace_seconds");
            return RefusalResponses.respond(rotation.rotate(Bearer.token(authorization), grace), rotated -> {
                LOG.info("request_id={} gateway key {} rotated, grace {} s", RequestIds.of(request), rotated.key().id(), grace == null ? 0 : grace);
                return HttpResponse.ok(view(rotated.key(), rotated.secret()));
            });
        } catch (BadRequest bad) {
            return OpenAiError.invalidRequest(bad.getMessage(), bad.param());
        }
    }

    @Put(uri = "/provider-keys/{provider}", consumes = MediaType.ALL, produces = MediaType.APPLICATION_JSON)
    HttpResponse<?> attach(HttpRequest<?> request, @Nullable @Header(HttpHeaders.AUTHORIZATION) String authorization, @PathVariable String provider,
                           @Nullable @Body byte[] body) {
        try {
            String apiKey = JsonBodies.string(bodies.object(request, body), "api_key");
            return RefusalResponses.respond(providerKeys.attach(Bearer.token(authorization), provider, apiKey), key -> {
                LOG.info("request_id={} gateway key {} attached a {} key", RequestIds.of(request), key.id(), provider);
                return HttpResponse.ok(view(key, null));
            });
        } catch (BadRequest bad) {
            return OpenAiError.invalidRequest(bad.getMessage(), bad.param());
        }
    }

    @Delete(uri = "/provider-keys/{provider}", produces = MediaType.APPLICATION_JSON)
    HttpResponse<?> detach(HttpRequest<?> request, @Nullable @Header(HttpHeaders.AUTHORIZATION) String authorization, @PathVariable String provider) {
        return RefusalResponses.respond(providerKeys.detach(Bearer.token(authorization), provider), key -> {
            LOG.info("request_id={} gateway key {} detached its {} key", RequestIds.of(request), key.id(), provider);
            return HttpResponse.ok(view(key, null));
        });
    }
}
