package io.keyway.http;

import io.keyway.application.ListModels;
import io.keyway.application.Refusal;
import io.keyway.domain.completion.ModelDescriptor;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** {@code GET /v1/models}: the operator's models and, for a key carrying provider keys, those providers' catalogues. */
@Controller("/v1/models")
@ExecuteOn(TaskExecutors.BLOCKING)
class ModelsController {
    private static final Logger LOG = LoggerFactory.getLogger(ModelsController.class);

    private final ListModels listModels;

    ModelsController(ListModels listModels) {
        this.listModels = listModels;
    }

    @Get(produces = MediaType.APPLICATION_JSON)
    CompletableFuture<HttpResponse<?>> list(HttpRequest<?> request, @Nullable @Header(HttpHeaders.AUTHORIZATION) String authorization) {
        return models(request, authorization, models -> HttpResponse.ok(Views.models(models)));
    }

    /** {@code GET /v1/models/{id}}; ids may hold slashes ({@code openrouter-meta-llama/llama-3.1-405b-instruct}). */
    @Get(uri = "/{+id}", produces = MediaType.APPLICATION_JSON)
    CompletableFuture<HttpResponse<?>> one(HttpRequest<?> request, @Nullable @Header(HttpHeaders.AUTHORIZATION) String authorization,
                                           @PathVariable String id) {
        return models(request, authorization, models -> {
            Optional<ModelDescriptor> found = models.stream().filter(model -> model.id().equals(id)).findFirst();
            return found.<HttpResponse<?>>map(model -> HttpResponse.ok(Views.model(model)))
                    .orElseGet(() -> RefusalResponses.of(new Refusal.ModelNotFound(id)));
        });
    }

    private CompletableFuture<HttpResponse<?>> models(HttpRequest<?> request, String authorization,
                                                      java.util.function.Function<List<ModelDescriptor>, HttpResponse<?>> respond) {
        return listModels.list(Bearer.token(authorization)).fold(
                models -> models.toCompletableFuture()
                        .thenApply(respond)
                        .exceptionally(failure -> {
                            LOG.warn("request_id={} a provider's model catalogue could not be fetched: {}", RequestIds.of(request), failure.toString());
                            return OpenAiError.response(502, OpenAiError.UPSTREAM, "upstream_unreachable", null,
                                    "A provider's model catalogue could not be fetched; try again shortly.");
                        }),
                refusal -> CompletableFuture.completedFuture(RefusalResponses.of(refusal)));
    }
}
