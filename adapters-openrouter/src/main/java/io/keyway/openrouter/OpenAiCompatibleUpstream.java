package io.keyway.openrouter;

import io.keyway.domain.completion.ModelDescriptor;
import io.keyway.domain.completion.UpstreamCall;
import io.keyway.domain.completion.UpstreamFailure;
import io.keyway.domain.completion.UpstreamReply;
import io.keyway.domain.model.ProviderKey;
import io.keyway.domain.port.CompletionProvider;
import io.micronaut.core.io.buffer.ByteArrayBufferFactory;
import io.micronaut.http.ByteBodyHttpResponse;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpRequest;
import io.micronaut.http.body.stream.AvailableByteArrayBody;
import io.micronaut.http.client.exceptions.ReadTimeoutException;
import io.micronaut.json.JsonMapper;
import org.reactivestreams.FlowAdapters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.context.Context;

import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * A {@link CompletionProvider} for any OpenAI-compatible HTTP API: OpenRouter with each caller's own key, or an
 * operator's upstream with the operator's key. Request bodies go out as given; response bodies come back as a stream
 * of the bytes read, status and error bodies included.
 */
final class OpenAiCompatibleUpstream implements CompletionProvider {
    private static final Logger LOG = LoggerFactory.getLogger(OpenAiCompatibleUpstream.class);
    /**
     * Closing the connection of an abandoned or timed-out call makes the client report the close to a subscriber
     * that is already gone; Reactor would log that as an error. It is not one: the call has been answered for.
     * ({@code reactor.onErrorDropped.local} is Reactor's context key for a subscription's own dropped-error hook.)
     */
    private static final Context IGNORE_DROPPED_ERRORS = Context.of("reactor.onErrorDropped.local", (Consumer<Throwable>) dropped -> { });

    private final UpstreamSettings settings;
    private final UpstreamConnections connections;
    private final JsonMapper json;
    private final Clock clock;
    private final String base;
    private volatile CachedModels cachedModels;

    private record CachedModels(Instant fetchedAt, CompletableFuture<List<ModelDescriptor>> models) {
    }

    OpenAiCompatibleUpstream(UpstreamSettings settings, UpstreamConnections connections, JsonMapper json, Clock clock) {
        this.settings = settings;
        this.connections = connections;
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
        long deadline = System.nanoTime() + settings.timeouts().total().toNanos();
        return attempt(call, 0, deadline);
    }

    /**
     * One try. Nothing has reached the client while this runs, so a refused or reset connection and a 502/503 are
     * tried again (bounded, with jittered backoff); a timeout and any other status are final.
     */
    private CompletableFuture<UpstreamReply> attempt(UpstreamCall call, int attempt, long deadline) {
        Duration firstByte = call.stream() ? settings.timeouts().firstByte() : min(settings.timeouts().firstByte(), remaining(deadline));
        InFlightConnections inFlight = connections.inFlight();
        String tag = inFlight.newTag();
        Runnable release = () -> inFlight.finished(tag);
        MutableHttpRequest<?> request = request(call).header(InFlightConnections.TAG_HEADER, tag);
        return Flux.from(connections.client().exchange(request, AvailableByteArrayBody.create(ByteArrayBufferFactory.INSTANCE, call.body()), null))
                .singleOrEmpty()
                .timeout(firstByte)
                .contextWrite(IGNORE_DROPPED_ERRORS)
                .toFuture()
                .handle((response, failure) -> {
                    if (failure != null || response == null) {
                        release.run();
                        return failure != null
                                ? afterFailure(call, attempt, deadline, unwrap(failure))
                                : retryOr(call, attempt, deadline, "no response", new UpstreamReply.Unreachable(
                                "The upstream '" + name() + "' closed the connection without answering."));
                    }
                    ByteBodyHttpResponse<?> raw = (ByteBodyHttpResponse<?>) response;
                    if ((response.code() == 502 || response.code() == 503) && attempt < settings.retries().maxRetries()) {
                        raw.close();
                        release.run();
                        return retry(call, attempt, deadline, "status " + response.code());
                    }
                    return CompletableFuture.<UpstreamReply>completedFuture(answered(raw, deadline, tag));
                })
                .thenCompose(next -> next);
    }

    private CompletableFuture<UpstreamReply> afterFailure(UpstreamCall call, int attempt, long deadline, Throwable cause) {
        if (cause instanceof TimeoutException || cause instanceof ReadTimeoutException) {
            LOG.warn("request_id={} upstream={} timed out before answering", requestId(call), name());
            return CompletableFuture.completedFuture(new UpstreamReply.TimedOut(
                    "The upstream '" + name() + "' did not answer within its time limit."));
        }
        return retryOr(call, attempt, deadline, cause.getClass().getSimpleName(),
                new UpstreamReply.Unreachable("The upstream '" + name() + "' could not be reached."));
    }

    private CompletableFuture<UpstreamReply> retryOr(UpstreamCall call, int attempt, long deadline, String reason, UpstreamReply last) {
        if (attempt < settings.retries().maxRetries()) {
            return retry(call, attempt, deadline, reason);
        }
        LOG.warn("request_id={} upstream={} failed after {} tries: {}", requestId(call), name(), attempt + 1, reason);
        return CompletableFuture.completedFuture(last);
    }

    private CompletableFuture<UpstreamReply> retry(UpstreamCall call, int attempt, long deadline, String reason) {
        long delay = backoffMillis(attempt);
        LOG.info("request_id={} upstream={} try {} failed ({}); trying again in {} ms", requestId(call), name(), attempt + 1, reason, delay);
        return CompletableFuture.supplyAsync(() -> null, CompletableFuture.delayedExecutor(delay, TimeUnit.MILLISECONDS))
                .thenCompose(ignored -> attempt(call, attempt + 1, deadline));
    }

    private long backoffMillis(int attempt) {
        UpstreamSettings.Retries retries = settings.retries();
        long ceiling = Math.min(retries.maxBackoff().toMillis(), retries.backoff().toMillis() << Math.min(attempt, 20));
        return ceiling / 2 + ThreadLocalRandom.current().nextLong(ceiling / 2 + 1);
    }

    private MutableHttpRequest<?> request(UpstreamCall call) {
        MutableHttpRequest<?> request = HttpRequest.POST(URI.create(base + "/" + call.endpoint().path()), null)
                .contentType(MediaType.APPLICATION_JSON_TYPE)
                .accept(call.stream() ? MediaType.TEXT_EVENT_STREAM_TYPE : MediaType.APPLICATION_JSON_TYPE);
        call.headers().forEach(request::header);
        call.credential().map(ProviderKey::reveal).or(settings::operatorApiKey)
                .ifPresent(key -> request.header(HttpHeaders.AUTHORIZATION, "Bearer " + key));
        return request;
    }

    private UpstreamReply answered(ByteBodyHttpResponse<?> response, long deadline, String tag) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        response.getHeaders().forEach((name, values) -> headers.put(name, List.copyOf(values)));
        String contentType = response.getHeaders().get(HttpHeaders.CONTENT_TYPE);
        boolean eventStream = contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith(MediaType.TEXT_EVENT_STREAM);
        Flux<byte[]> body = Flux.from(response.byteBody().toByteArrayPublisher());
        body = eventStream
                ? body.timeout(settings.timeouts().idle())
                : body.timeout(Mono.delay(remaining(deadline)), chunk -> Mono.delay(remaining(deadline)));
        body = body
                .onErrorMap(failure -> !(failure instanceof UpstreamFailure), failure -> midBodyFailure(failure, eventStream))
                .doOnCancel(() -> connections.inFlight().abandon(tag))
                .doOnError(failure -> connections.inFlight().abandon(tag))
                .doOnComplete(() -> connections.inFlight().finished(tag))
                .contextWrite(IGNORE_DROPPED_ERRORS);
        return new UpstreamReply.Answered(response.code(), headers, FlowAdapters.toFlowPublisher(body));
    }

    private UpstreamFailure midBodyFailure(Throwable failure, boolean eventStream) {
        if (failure instanceof TimeoutException) {
            return eventStream
                    ? new UpstreamFailure(UpstreamFailure.Kind.IDLE_TIMEOUT, "The upstream '" + name() + "' sent nothing for "
                    + seconds(settings.timeouts().idle()) + " and the stream was abandoned.")
                    : new UpstreamFailure(UpstreamFailure.Kind.TOTAL_TIMEOUT, "The upstream '" + name() + "' did not finish its answer within "
                    + seconds(settings.timeouts().total()) + ".");
        }
        return new UpstreamFailure(UpstreamFailure.Kind.CONNECTION_LOST,
                "The connection to the upstream '" + name() + "' was lost before its answer ended.");
    }

    private static Throwable unwrap(Throwable failure) {
        Throwable cause = failure;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    private static String requestId(UpstreamCall call) {
        return call.headers().entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase("x-request-id"))
                .map(Map.Entry::getValue).findFirst().orElse("-");
    }

    private static String seconds(Duration duration) {
        return String.format(Locale.ROOT, "%.1f s", duration.toMillis() / 1000.0);
    }

    private static Duration remaining(long deadline) {
        return Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
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
        return Flux.from(connections.client().exchange(request, null, null))
                .singleOrEmpty()
                .timeout(settings.timeouts().firstByte())
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
