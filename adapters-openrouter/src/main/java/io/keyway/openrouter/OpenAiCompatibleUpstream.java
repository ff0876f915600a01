package io.keyway.openrouter;

import io.keyway.domain.completion.ModelDescriptor;
import io.keyway.domain.completion.UpstreamCall;
import io.keyway.domain.completion.UpstreamReply;
import io.keyway.domain.port.CompletionProvider;
import io.micronaut.core.io.buffer.ByteArrayBufferFactory;
import io.micronaut.http.ByteBodyHttpResponse;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpRequest;
import io.micronaut.http.body.stream.AvailableByteArrayBody;
import io.micronaut.http.client.RawHttpClient;
import io.micronaut.http.client.exceptions.ReadTimeoutException;
import io.micronaut.json.JsonMapper;
import org.reactivestreams.FlowAdapters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;

import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;

/**
 * A {@link CompletionProvider} for any OpenAI-compatible HTTP API: OpenRouter with each caller's own key, or an
 * operator's upstream with the operator's key. Request bodies go out as given; response bodies come back as a stream
 * of the bytes read, status and error bodies included.
 */
final class OpenAiCompatibleUpstream implements CompletionProvider {
    private static final Logger LOG = LoggerFactory.getLogger(OpenAiCompatibleUpstream.class);

    private final UpstreamSettings settings;
    private final RawHttpClient client;
    private final JsonMapper json;
    private final Clock clock;
    private final String base;
    private volatile CachedModels cachedModels;

    private record CachedModels(Instant fetchedAt, CompletableFuture<List<ModelDescriptor>> models) {
    }

    OpenAiCompatibleUpstream(UpstreamSettings settings, RawHttpClient client, JsonMapper json, Clock clock) {
        this.settings = settings;
        this.client = client;
        this.json = json;
        this.clock = clock;
        String url = settings.baseUrl().toString();
        this.base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    @Override
    public String name() {
        return settings.name();
    }

    @Override
    public CompletionStage<UpstreamReply> send(UpstreamCall call) {
        MutableHttpRequest<?> request = HttpRequest.POST(URI.create(base + "/" + call.endpoint().path()), null)
                .contentType(MediaType.APPLICATION_JSON_TYPE)
                .accept(call.stream() ? MediaType.TEXT_EVENT_STREAM_TYPE : MediaType.APPLICATION_JSON_TYPE);
        call.headers().forEach(request::header);
        call.credential().map(key -> key.reveal()).or(settings::operatorApiKey)
                .ifPresent(key -> request.header(HttpHeaders.AUTHORIZATION, "Bearer " + key));
        AvailableByteArrayBody body = AvailableByteArrayBody.create(ByteArrayBufferFactory.INSTANCE, call.body());
        return Flux.from(client.exchange(request, body, null))
                .singleOrEmpty()
                .toFuture()
                .handle((response, failure) -> failure == null ? answered(response) : unanswered(failure));
    }

    private UpstreamReply answered(HttpResponse<?> response) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        response.getHeaders().forEach((name, values) -> headers.put(name, List.copyOf(values)));
        ByteBodyHttpResponse<?> raw = (ByteBodyHttpResponse<?>) response;
        return new UpstreamReply.Answered(response.code(), headers,
                FlowAdapters.toFlowPublisher(raw.byteBody().toByteArrayPublisher()));
    }

    private UpstreamReply unanswered(Throwable failure) {
        Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        LOG.warn("upstream {} did not answer: {}", settings.name(), cause.toString());
        if (cause instanceof ReadTimeoutException || cause instanceof TimeoutException) {
            return new UpstreamReply.TimedOut("The upstream '" + settings.name() + "' did not answer in time.");
        }
        return new UpstreamReply.Unreachable("The upstream '" + settings.name() + "' could not be reached.");
    }

    @Override
    public CompletionStage<List<ModelDescriptor>> models() {
        CachedModels cached = cachedModels;
        Instant now = clock.instant();
        if (cached != null && !cached.models().isCompletedExceptionally()
                && cached.fetchedAt().plus(settings.modelsTtl()).isAfter(now)) {
            return cached.models();
        }
        CompletableFuture<List<ModelDescriptor>> fetch = fetchModels();
        cachedModels = new CachedModels(now, fetch);
        return fetch;
    }

    private CompletableFuture<List<ModelDescriptor>> fetchModels() {
        MutableHttpRequest<?> request = HttpRequest.GET(URI.create(base + "/models")).accept(MediaType.APPLICATION_JSON_TYPE);
        settings.operatorApiKey().ifPresent(key -> request.header(HttpHeaders.AUTHORIZATION, "Bearer " + key));
        return Flux.from(client.exchange(request, null, null))
                .singleOrEmpty()
                .toFuture()
                .thenCompose(response -> ((ByteBodyHttpResponse<?>) response).byteBody().buffer()
                        .thenApply(bytes -> {
                            try (bytes) {
                                if (response.code() != 200) {
                                    throw new IllegalStateException("GET /models answered " + response.code());
                                }
                                return parseModels(bytes.toByteArray());
                            }
                        }));
    }

    private List<ModelDescriptor> parseModels(byte[] body) {
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
