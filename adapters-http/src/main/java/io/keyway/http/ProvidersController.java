package io.keyway.http;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.keyway.application.EnabledProviders;
import io.keyway.application.Upstreams;
import io.keyway.domain.port.CompletionProvider;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;

import java.util.List;

/**
 * The providers a user may attach a key for on this gateway, and the model prefix that routes to each: what the
 * console offers next to "Associate a 3rd Party API key". Public, like the operator's choice of providers itself; it
 * names no key and no account.
 */
@Controller("/v1/providers")
@Tag(name = "Gateway key")
class ProvidersController {
    private final List<ProviderView> providers;

    ProvidersController(EnabledProviders enabled, Upstreams upstreams) {
        this.providers = enabled.all().stream().map(provider -> new ProviderView(provider.id().value(), "provider", provider.title(),
                provider.id().modelPrefix(), upstreams.named(provider.id().value()).map(CompletionProvider::host).orElse(null))).toList();
    }

    /** @param host where that provider's requests (and so its keys) are sent */
    @Serdeable
    record ProviderView(String id, String object, String title, @JsonProperty("model_prefix") String modelPrefix, @Nullable String host) {
    }

    @Serdeable
    record ProviderList(String object, List<ProviderView> data) {
    }

    @Operation(summary = "List the providers that take users' own keys",
            description = "Each enabled provider: its id (the name for provider_keys and /v1/key/provider-keys/{id}), its title, "
                    + "the model prefix that routes to it with the caller's own key, and the host its requests go to.",
            responses = @ApiResponse(responseCode = "200", description = "The providers, in the order they are offered.",
                    content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ProviderList.class),
                            examples = @ExampleObject(value = """
                                    {"object":"list","data":[{"id":"openrouter","object":"provider","title":"OpenRouter",\
                                    "model_prefix":"openrouter-","host":"openrouter.ai"},{"id":"anthropic","object":"provider",\
                                    "title":"Anthropic","model_prefix":"anthropic-","host":"api.anthropic.com"}]}"""))))
    @Get(produces = MediaType.APPLICATION_JSON)
    HttpResponse<ProviderList> list() {
        return HttpResponse.ok(new ProviderList("list", providers));
    }
}
