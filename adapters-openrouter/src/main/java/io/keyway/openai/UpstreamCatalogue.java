package io.keyway.openai;

import io.keyway.domain.completion.ModelDescriptor;
import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpRequest;
import io.micronaut.json.JsonMapper;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/** An upstream's own model catalogue ({@code GET <base>/models}), fetched on demand and reused for its time to live. */
final class UpstreamCatalogue {
    private static final Logger LOG = LoggerFactory.getLogger(UpstreamCatalogue.class);
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
        fetch.whenComplete((models, failure) -> {
            if (failure != null) {
                LOG.warn("the model catalogue of upstream {} could not be fetched (listed without it until a fetch succeeds): {}",
                        settings.name(), describe(failure));
            }
        });
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

    private static String describe(Throwable failure) {
        Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        return cause.getClass().getSimpleName() + ": " + cause.getMessage();
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

    /** The fields Keyway sets itself on each listed model; every other field of an entry is kept as sent. */
    private static final Set<String> OWN_FIELDS = Set.of("id", "object", "created", "owned_by");

    private List<ModelDescriptor> parse(byte[] body) {
        Map<String, Object> catalogue;
        try {
            catalogue = json.readValue(body, Argument.mapOf(String.class, Object.class));
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("the model catalogue of '" + settings.name() + "' is not JSON", e);
        }
        if (catalogue == null || !(catalogue.get("data") instanceof List<?> data)) {
            throw new IllegalStateException("the model catalogue of '" + settings.name() + "' has no data list");
        }
        long now = clock.instant().getEpochSecond();
        List<ModelDescriptor> models = new ArrayList<>(data.size());
        for (Object item : data) {
            if (!(item instanceof Map<?, ?> entry) || !(entry.get("id") instanceof String id) || id.isBlank()) {
                continue;
            }
            long created = entry.get("created") instanceof Number number ? number.longValue() : now;
            String ownedBy = entry.get("owned_by") instanceof String owner ? owner : ownerOf(id);
            Map<String, Object> details = new LinkedHashMap<>();
            entry.forEach((name, value) -> {
                if (!OWN_FIELDS.contains(String.valueOf(name))) {
                    details.put(String.valueOf(name), value);
                }
            });
            models.add(new ModelDescriptor(id, created, ownedBy, details));
        }
        return List.copyOf(models);
    }

    private String ownerOf(String modelId) {
        int slash = modelId.indexOf('/');
        return slash > 0 ? modelId.substring(0, slash) : settings.name();
    }
}
