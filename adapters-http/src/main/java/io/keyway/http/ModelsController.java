package io.keyway.http;

import io.swagger.v3.oas.annotations.Hidden;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.keyway.application.ListModels;
import io.keyway.application.Refusal;
import io.keyway.domain.completion.ModelDescriptor;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.keyway.application.ModelListing;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;

import java.util.function.Function;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** {@code GET /v1/models}: the operator's models and, for a key carrying provider keys, those providers' catalogues. */
@Controller("/v1/models")
@ExecuteOn(TaskExecutors.BLOCKING)
class ModelsController {
    private final ListModels listModels;

    ModelsController(ListModels listModels) {
        this.listModels = listModels;
    }

    /** Names the providers whose catalogue could not be fetched: their models are missing from this answer. */
    static final String UNAVAILABLE_HEADER = "x-keyway-unavailable-catalogues";

    @Operation(summary = "List models", tags = "OpenAI", security = @SecurityRequirement(name = ApiDocs.GATEWAY_KEY), 
            description = "The operator's models and, for each provider key the gateway key carries, that provider's catalogue under the prefixed id with its whole entry (pricing, context_length, architecture, top_provider, supported_parameters). When a provider's catalogue cannot be fetched the others are still listed and the header x-keyway-unavailable-catalogues names it.",
            responses = {
        @ApiResponse(responseCode = "200", description = "The models this key can call.",
                content = @Content(mediaType = ApiDocs.JSON, examples = @ExampleObject(value = ApiDocs.MODEL_LIST))),
        @ApiResponse(responseCode = "401", ref = ApiDocs.UNAUTHENTICATED_ANSWER),
        @ApiResponse(responseCode = "429", ref = ApiDocs.TOO_MANY_FAILURES_ANSWER),
        @ApiResponse(responseCode = "503", ref = ApiDocs.KEY_STORE_UNAVAILABLE_ANSWER)
    })
    @Get(produces = MediaType.APPLICATION_JSON)
    CompletableFuture<HttpResponse<?>> list(HttpRequest<?> request, @Parameter(hidden = true) @Nullable @Header(HttpHeaders.AUTHORIZATION) String authorization) {
        return models(authorization, listing -> {
            MutableHttpResponse<?> listed = HttpResponse.ok(Views.models(listing.models()));
            if (!listing.complete()) {
                listed.header(UNAVAILABLE_HEADER, String.join(",", listing.unavailable()));
            }
            return listed;
        });
    }

    /** Documented in src/main/openapi/model.yml: micronaut-openapi 6.19 cannot read the {+id} template. */
    @Hidden
    @Get(uri = "/{+id}", produces = MediaType.APPLICATION_JSON)
    CompletableFuture<HttpResponse<?>> one(HttpRequest<?> request, @Parameter(hidden = true) @Nullable @Header(HttpHeaders.AUTHORIZATION) String authorization,
                                           @PathVariable String id) {
        return models(authorization, listing -> {
            Optional<ModelDescriptor> found = listing.models().stream().filter(model -> model.id().equals(id)).findFirst();
            if (found.isPresent()) {
                return HttpResponse.ok(Views.model(found.get()));
            }
            if (!listing.complete()) {
                // It may be in the catalogue that could not be fetched: "no such model" would not be the truth.
                return OpenAiError.response(502, OpenAiError.UPSTREAM, "upstream_unreachable", null,
                        "The model catalogue of " + String.join(", ", listing.unavailable()) + " could not be fetched; try again shortly.",
                        listing.unavailable().get(0)).header(UNAVAILABLE_HEADER, String.join(",", listing.unavailable()));
            }
            return RefusalResponses.of(new Refusal.ModelNotFound(id));
        });
    }

    private CompletableFuture<HttpResponse<?>> models(String authorization, Function<ModelListing, HttpResponse<?>> respond) {
        return listModels.list(Bearer.token(authorization)).fold(
                listing -> listing.toCompletableFuture().thenApply(respond),
                refusal -> CompletableFuture.completedFuture(RefusalResponses.of(refusal)));
    }
}
