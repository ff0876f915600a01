package io.keyway.openrouter;

import io.keyway.domain.completion.ModelDescriptor;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpRequest;
import io.micronaut.json.JsonMapper;

import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** An upstream's own model catalogue ({@code GET <base>/models}), fetched on demand and reused for its time to live. */
final class UpstreamCatalogue {
    private final UpstreamSettings settings;
    private final UpstreamExchanges exchanges;
    private final JsonMapper json;
    private final Clock clock;
    private volatile Cached cached;

    private record Cached(Instant fetchedAt, CompletableFuture<List<ModelDescriptor>> models) {
    }

    UpstreamCatalogue(UpstreamSettings settings, UpstreamExchanges exchanges, JsonMapper json, Clock clock) {
        this.settings = settings;
        this.exchanges = exchanges;
        this.json = json;
        this.clock = clock;
    }

    /** The catalogue, fetched again once its time to live has passed or after a failed fetch. */
    CompletableFuture<List<ModelDescriptor>> models() {
        Cached current = cached;
        Instant now = clock.instant();
        if (current != null && !current.models().isCompletedExceptionally()
                && current.fetchedAt().plus(settings.modelsTtl()).isAfter(now)) {
            return current.models();
        }
        CompletableFuture<List<ModelDescriptor>> fetch = fetch();
        cached = new Cached(now, fetch);
        return fetch;
    }

    private CompletableFuture<List<ModelDescriptor>> fetch() {
        MutableHttpRequest<?> request = HttpRequest.GET(URI.create(settings.endpoint("models"))).accept(MediaType.APPLICATION_JSON_TYPE);
        settings.operatorApiKey().ifPresent(key -> request.header(HttpHeaders.AUTHORIZATION, "Bearer " + key));
        UpstreamExchanges.Exchange exchange = exchanges.send(request, null, settings.timeouts().firstByte());
        return exchange.response().thenCompose(response -> {
            if (response == null) {
                throw new IllegalStateException("GET /models: the connection closed without an answer");
            }
            return exchange.body(response).collectList().toFuture().thenApply(chunks -> {
                if (response.code() != 200) {
                    throw new IllegalStateException("GET /models answered " + response.code());
                }
                return parse(concat(chunks));
            });
        });
    }

    private static byte[] concat(List<byte[]> chunks) {
        int length = chunks.stream().mapToInt(chunk -> chunk.length).sum();
        byte[] all = new byte[length];
        int at = 0;
        for (byte[] chunk : chunks) {
            System.arraycopy(chunk, 0, all, at, chunk.length);
            at += chunk.length;
        }
        return all;
    }

    private List<ModelDescriptor> parse(byte[] body) {
        try {
            ModelCatalogue catalogue = json.readValue(body, ModelCatalogue.class);
            long now = clock.instant().getEpochSecond();
            return catalogue.data() == null ? List.of() : catalogue.data().stream()
                    .filter(entry -> entry.id() != null && !entry.id().isBlank())
                    .map(entry -> new ModelDescriptor(entry.id(), entry.created() == null ? now : entry.created(),
                            entry.ownedBy() != null ? entry.ownedBy() : ownerOf(entry.id())))
                    .toList();
        } catch (IOException e) {
            throw new IllegalStateException("the model catalogue of '" + settings.name() + "' is not JSON", e);
        }
    }

    private String ownerOf(String modelId) {
        int slash = modelId.indexOf('/');
        return slash > 0 ? modelId.substring(0, slash) : settings.name();
    }
}
