package io.keyway.http;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.keyway.application.ManageProviderKeys;
import io.keyway.application.RotateGatewayKey;
import io.keyway.application.Upstreams;
import io.keyway.domain.completion.KeyCheck;
import io.keyway.domain.model.GatewayKey;
import io.keyway.domain.model.ProviderId;
import java.util.Map;
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
@Tag(name = "Gateway key")
@SecurityRequirement(name = ApiDocs.GATEWAY_KEY)
@ApiResponse(responseCode = "401", ref = ApiDocs.UNAUTHENTICATED_ANSWER)
@ApiResponse(responseCode = "403", ref = ApiDocs.WRONG_KIND_ANSWER)
@ApiResponse(responseCode = "429", ref = ApiDocs.TOO_MANY_FAILURES_ANSWER)
@ApiResponse(responseCode = "503", ref = ApiDocs.KEY_STORE_UNAVAILABLE_ANSWER)
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

    @Operation(summary = "This gateway key",
            description = "The calling gateway key: name, dates, and per provider key a hint and the host it is sent to. Never a secret.",
            responses = {
        @ApiResponse(responseCode = "200", description = "The key.",
                content = @Content(mediaType = ApiDocs.JSON, schema = @Schema(implementation = Views.KeyView.class), examples = @ExampleObject(value = ApiDocs.KEY)))
    })
    @Get(produces = MediaType.APPLICATION_JSON)
    HttpResponse<?> show(HttpRequest<?> request, @Parameter(hidden = true) @Nullable @Header(HttpHeaders.AUTHORIZATION) String authorization) {
        return RefusalResponses.respond(providerKeys.show(Bearer.token(authorization)), key -> HttpResponse.ok(view(key, null)));
    }

    /** The key with where each of its provider keys is sent, so that its holder can see which host receives them. */
    private Views.KeyView view(GatewayKey key, String secret) {
        return Views.key(key, secret, this::sentTo);
    }

    private String sentTo(ProviderId provider) {
        return upstreams.named(provider.value()).map(CompletionProvider::host).orElse(null);
    }

    @Operation(summary = "Rotate this gateway key",
            description = "Replaces the key's secret (same id) and reseals its provider keys under the new one. With grace_seconds (0 to 86400) the old secret keeps working for requests until then. The new key is shown in this answer only.",
            responses = {
        @ApiResponse(responseCode = "200", description = "The key with its new secret in key.",
                content = @Content(mediaType = ApiDocs.JSON, schema = @Schema(implementation = Views.KeyView.class), examples = @ExampleObject(value = ApiDocs.KEY_CREATED))),
        @ApiResponse(responseCode = "400", description = "A body that is not the JSON object described, naming the field in param.",
                content = @Content(mediaType = ApiDocs.JSON, schema = @Schema(implementation = OpenAiError.class),
                        examples = @ExampleObject(value = ApiDocs.BAD_REQUEST))),
        @ApiResponse(responseCode = "409", description = "The key changed meanwhile (code key_changed); read it and try again.",
                content = @Content(mediaType = ApiDocs.JSON, schema = @Schema(implementation = OpenAiError.class),
                        examples = @ExampleObject(value = ApiDocs.CONFLICT)))
    })
    @io.swagger.v3.oas.annotations.parameters.RequestBody(description = "Optional: {\"grace_seconds\": N}.", required = false,
            content = @Content(mediaType = ApiDocs.JSON, examples = @ExampleObject(value = ApiDocs.ROTATE_REQUEST)))
    @Post(uri = "/rotate", consumes = MediaType.ALL, produces = MediaType.APPLICATION_JSON)
    HttpResponse<?> rotate(HttpRequest<?> request, @Parameter(hidden = true) @Nullable @Header(HttpHeaders.AUTHORIZATION) String authorization, @Parameter(hidden = true) @Nullable @Body byte[] body) {
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

    @Operation(summary = "Attach or replace a provider key",
            description = "Seals api_key under this gateway key's secret. The operator cannot read it back; only requests with this gateway key unseal it.",
            responses = {
        @ApiResponse(responseCode = "200", description = "The key, with the provider key's hint.",
                content = @Content(mediaType = ApiDocs.JSON, schema = @Schema(implementation = Views.KeyView.class), examples = @ExampleObject(value = ApiDocs.KEY))),
        @ApiResponse(responseCode = "400", description = "A body that is not the JSON object described, naming the field in param.",
                content = @Content(mediaType = ApiDocs.JSON, schema = @Schema(implementation = OpenAiError.class),
                        examples = @ExampleObject(value = ApiDocs.BAD_REQUEST))),
        @ApiResponse(responseCode = "404", description = "Not a provider Keyway knows (code not_found).",
                content = @Content(mediaType = ApiDocs.JSON, schema = @Schema(implementation = OpenAiError.class),
                        examples = @ExampleObject(value = ApiDocs.NOT_FOUND))),
        @ApiResponse(responseCode = "409", description = "The key changed meanwhile (code key_changed).",
                content = @Content(mediaType = ApiDocs.JSON, schema = @Schema(implementation = OpenAiError.class),
                        examples = @ExampleObject(value = ApiDocs.CONFLICT)))
    })
    @io.swagger.v3.oas.annotations.parameters.RequestBody(description = "The provider's API key.", required = true,
            content = @Content(mediaType = ApiDocs.JSON, examples = @ExampleObject(value = ApiDocs.PROVIDER_KEY_REQUEST)))
    @Put(uri = "/provider-keys/{provider}", consumes = MediaType.ALL, produces = MediaType.APPLICATION_JSON)
    HttpResponse<?> attach(HttpRequest<?> request, @Parameter(hidden = true) @Nullable @Header(HttpHeaders.AUTHORIZATION) String authorization, @PathVariable String provider,
                           @Parameter(hidden = true) @Nullable @Body byte[] body) {
        try {
            String apiKey = JsonBodies.string(bodies.object(request, body), "api_key");
            return RefusalResponses.respond(providerKeys.attach(Bearer.token(authorization), provider, apiKey), attached -> {
                LOG.info("request_id={} gateway key {} attached a {} key ({})", RequestIds.of(request), attached.key().id(), provider,
                        attached.check() == KeyCheck.ACCEPTED ? "confirmed by the provider" : "not checked");
                return HttpResponse.ok(Views.key(attached.key(), null, this::sentTo, Map.of(new ProviderId(provider), attached.check())));
            });
        } catch (BadRequest bad) {
            return OpenAiError.invalidRequest(bad.getMessage(), bad.param());
        }
    }

    @Operation(summary = "Detach a provider key",
            description = "Deletes the sealed provider key from this gateway key.",
            responses = {
        @ApiResponse(responseCode = "200", description = "The key without it.",
                content = @Content(mediaType = ApiDocs.JSON, schema = @Schema(implementation = Views.KeyView.class), examples = @ExampleObject(value = ApiDocs.KEY))),
        @ApiResponse(responseCode = "404", description = "The key carries no such provider key (code not_found).",
                content = @Content(mediaType = ApiDocs.JSON, schema = @Schema(implementation = OpenAiError.class),
                        examples = @ExampleObject(value = ApiDocs.NOT_FOUND))),
        @ApiResponse(responseCode = "409", description = "The key was rotated or deleted meanwhile (code key_changed); nothing was removed.",
                content = @Content(mediaType = ApiDocs.JSON, schema = @Schema(implementation = OpenAiError.class),
                        examples = @ExampleObject(value = ApiDocs.CONFLICT)))
    })
    @Delete(uri = "/provider-keys/{provider}", produces = MediaType.APPLICATION_JSON)
    HttpResponse<?> detach(HttpRequest<?> request, @Parameter(hidden = true) @Nullable @Header(HttpHeaders.AUTHORIZATION) String authorization, @PathVariable String provider) {
        return RefusalResponses.respond(providerKeys.detach(Bearer.token(authorization), provider), key -> {
            LOG.info("request_id={} gateway key {} detached its {} key", RequestIds.of(request), key.id(), provider);
            return HttpResponse.ok(view(key, null));
        });
    }
}
