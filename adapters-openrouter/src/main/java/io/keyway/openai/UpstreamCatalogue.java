package io.keyway.openai;

import io.keyway.domain.completion.ModelDescriptor;
import io.micronaut.core.type.Argument;
import io.keyway.domain.completion.KeyCheck;
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
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * An upstream's own model catalogue ({@code GET <base>/models}), fetched on demand and reused for its time to live.
 * A catalogue fetched with a key is kept for that key alone (under the key's SHA-256, never the key): many providers
 * list to a key's holder only, and what one user's key may call says nothing of another's.
 */
final class UpstreamCatalogue {
    private static final Logger LOG = LoggerFactory.getLogger(UpstreamCatalogue.class);
    /** Catalogues kept at most, one per key: past it the oldest is dropped and fetched again when asked. */
    static final int MAXIMUM_KEPT = 1_000;
    private final UpstreamSettings settings;
    private final UpstreamExchanges exchanges;
    private final JsonMapper json;
    private final Clock clock;
    private final Map<String, Cached> cached = java.util.Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Cached> eldest) {
            return size() > MAXIMUM_KEPT;
        }
    });

    private record Cached(Instant fetchedAt, CompletableFuture<List<ModelDescriptor>> models) {
    }

    UpstreamCatalogue(UpstreamSettings settings, UpstreamExchanges exchanges, JsonMapper json, Clock clock) {
        this.settings = settings;
        this.exchanges = exchanges;
        this.json = json;
        this.clock = clock;
    }

    /** The catalogue as {@code credential} sees it, fetched again once its time to live has passed or after a failed fetch. */
    CompletableFuture<List<ModelDescriptor>> models(Optional<String> credential) {
        String slot = slot(credential);
        Cached current = cached.get(slot);
        Instant now = clock.instant();
        if (current != null && !current.models().isCompletedExceptionally()
                && current.fetchedAt().plus(settings.modelsTtl()).isAfter(now)) {
            return current.models();
        }
        CompletableFuture<List<ModelDescriptor>> fetch = fetch(credential);
        fetch.whenComplete((models, failure) -> {
            if (failure != null) {
                LOG.warn("the model catalogue of upstream {} could not be fetched (listed without it until a fetch succeeds): {}",
                        settings.name(), describe(failure));
            }
        });
        cached.put(slot, new Cached(now, fetch));
        return fetch;
    }

    /** Whether the catalogue can be fetched right now with the operator's key (or none), never from the cache. */
    CompletableFuture<Boolean> answers() {
        return fetch(settings.operatorApiKey()).handle((models, failure) -> failure == null);
    }

    /**
     * A user's key checked with the catalogue, the cheapest read a provider authenticates: 200 accepts it, 401 or 403
     * refuses it, anything else (another status, no answer in time, no connection) leaves it unchecked.
     */
    CompletableFuture<KeyCheck> check(String credential) {
        UpstreamExchanges.Exchange exchange = exchanges.send(request(Optional.of(credential)), null, min(settings.timeouts().firstByte(), CHECK_WAIT));
        return exchange.response().thenCompose(response -> {
            if (response == null) {
                return CompletableFuture.completedFuture(KeyCheck.UNCHECKED);
            }
            KeyCheck check = response.code() == 200 ? KeyCheck.ACCEPTED
                    : response.code() == 401 || response.code() == 403 ? KeyCheck.REFUSED : KeyCheck.UNCHECKED;
            if (check == KeyCheck.UNCHECKED) {
                LOG.info("upstream {} answered {} to a key check: the key is attached unchecked", settings.name(), response.code());
            }
            if (check != KeyCheck.ACCEPTED) {
                return exchange.body(response).then().toFuture().handle((done, failure) -> check);
            }
            // The answer is the catalogue this key sees: kept, so that the key's first model listing costs no fetch.
            return exchange.body(response).collectList().toFuture().thenApply(chunks -> {
                try {
                    cached.put(slot(Optional.of(credential)), new Cached(clock.instant(), CompletableFuture.completedFuture(parse(concat(chunks)))));
                } catch (RuntimeException notACatalogue) {
                    // Accepted all the same: the key was; the catalogue is fetched again when listed.
                }
                return check;
            });
        }).exceptionally(failure -> {
            LOG.info("upstream {} could not check a key ({}): the key is attached unchecked", settings.name(), describe(failure));
            return KeyCheck.UNCHECKED;
        });
    }

    /** A key check waits no longer than this for the provider, whatever its first-byte limit. */
    private static final java.time.Duration CHECK_WAIT = java.time.Duration.ofSeconds(8);

    private static java.time.Duration min(java.time.Duration a, java.time.Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private MutableHttpRequest<?> request(Optional<String> credential) {
        MutableHttpRequest<?> request = HttpRequest.GET(URI.create(settings.endpoint(settings.access().cataloguePath()))).accept(MediaType.APPLICATION_JSON_TYPE);
        settings.access().authorize(request, credential);
        return request;
    }

    /** Where the catalogue a credential sees is kept: under the credential's SHA-256, or "" for none. */
    private static String slot(Optional<String> credential) {
        return credential.map(UpstreamCatalogue::fingerprint).orElse("");
    }

    private static String fingerprint(String credential) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(credential.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException everyJdkHasIt) {
            throw new IllegalStateException(everyJdkHasIt);
        }
    }

    private CompletableFuture<List<ModelDescriptor>> fetch(Optional<String> credential) {
        UpstreamExchanges.Exchange exchange = exchanges.send(request(credential), null, settings.timeouts().firstByte());
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
            long created = entry.get("created") instanceof Number number ? number.longValue() : createdAt(entry.get("created_at"), now);
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

    /** Anthropic's catalogue dates its models in RFC 3339 ({@code created_at}) rather than unix seconds. */
    private static long createdAt(Object createdAt, long otherwise) {
        if (createdAt instanceof String text) {
            try {
                return java.time.OffsetDateTime.parse(text).toEpochSecond();
            } catch (java.time.format.DateTimeParseException notADate) {
                return otherwise;
            }
        }
        return otherwise;
    }

    private String ownerOf(String modelId) {
        int slash = modelId.indexOf('/');
        return slash > 0 ? modelId.substring(0, slash) : settings.name();
    }
}
