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
import io.micronaut.http.HttpResponse;
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
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Flow;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
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
        Attempts attempts = new Attempts(call, System.nanoTime() + settings.timeouts().total().toNanos());
        CompletableFuture<UpstreamReply> result = new CompletableFuture<>();
        attempt(attempts, 0).whenComplete((reply, failure) -> {
            if (failure != null) {
                result.completeExceptionally(failure);
            } else if (!result.complete(reply) && reply instanceof UpstreamReply.Answered late) {
                late.body().subscribe(new CancelAtOnce());
            }
        });
        // The caller gave up before the answer: abort the try in flight (its connection) or the wait before the next.
        result.whenComplete((reply, failure) -> {
            if (result.isCancelled()) {
                attempts.cancel();
            }
        });
        return result;
    }

    /**
     * The tries of one call, with whichever is in flight, so that the caller can abandon it: the wait for an answer
     * (its connection is closed, since Micronaut 4.10 does not abort a request whose exchange is cancelled) or the
     * pause before the next try.
     */
    private final class Attempts {
        final UpstreamCall call;
        final long deadline;
        private final AtomicReference<Future<?>> current = new AtomicReference<>();
        private final AtomicReference<String> currentTag = new AtomicReference<>();
        private volatile boolean cancelled;

        Attempts(UpstreamCall call, long deadline) {
            this.call = call;
            this.deadline = deadline;
        }

        <T extends Future<?>> T track(T future, String tag) {
            current.set(future);
            currentTag.set(tag);
            if (cancelled) {
                cancel();
            }
            return future;
        }

        void cancel() {
            cancelled = true;
            String tag = currentTag.get();
            if (tag != null) {
                connections.inFlight().abandon(tag);
            }
            Future<?> inFlight = current.get();
            if (inFlight != null) {
                inFlight.cancel(true);
            }
        }
    }

    /** Subscribes to a body nobody wants any more and cancels it, which releases its connection. */
    private static final class CancelAtOnce implements Flow.Subscriber<byte[]> {
        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            subscription.cancel();
        }

        @Override
        public void onNext(byte[] item) {
        }

        @Override
        public void onError(Throwable throwable) {
        }

        @Override
        public void onComplete() {
        }
    }

    /**
     * One try. Nothing has reached the client while this runs, so a refused or reset connection and a 502/503 are
     * tried again (bounded, with jittered backoff); a timeout and any other status are final.
     */
    private CompletableFuture<UpstreamReply> attempt(Attempts attempts, int attempt) {
        UpstreamCall call = attempts.call;
        long deadline = attempts.deadline;
        Duration firstByte = call.stream() ? settings.timeouts().firstByte() : min(settings.timeouts().firstByte(), remaining(deadline));
        InFlightConnections inFlight = connections.inFlight();
        String tag = inFlight.newTag();
        Runnable release = () -> inFlight.finished(tag);
        MutableHttpRequest<?> request = request(call).header(InFlightConnections.TAG_HEADER, tag);
        CompletableFuture<HttpResponse<?>> exchange = attempts.track(
                Flux.from(connections.client().exchange(request, AvailableByteArrayBody.create(ByteArrayBufferFactory.INSTANCE, call.body()), null))
                        .<HttpResponse<?>>map(response -> response)
                        .singleOrEmpty()
                        .timeout(firstByte)
                        .contextWrite(IGNORE_DROPPED_ERRORS)
                        .toFuture(), tag);
        return exchange
                .handle((response, failure) -> {
                    if (failure != null || response == null) {
                        if (failure != null && unwrap(failure) instanceof TimeoutException) {
                            // Give up on the request for real: Micronaut 4.10 keeps the connection waiting otherwise.
                            inFlight.abandon(tag);
                        }
                        release.run();
                        return failure != null
                                ? afterFailure(attempts, attempt, unwrap(failure))
                                : retryOr(attempts, attempt, "no response", new UpstreamReply.Unreachable(
                                "The upstream '" + name() + "' closed the connection without answering."));
                    }
                    ByteBodyHttpResponse<?> raw = (ByteBodyHttpResponse<?>) response;
                    if ((response.code() == 502 || response.code() == 503) && attempt < settings.retries().maxRetries()) {
                        raw.close();
                        release.run();
                        return retry(attempts, attempt, "status " + response.code());
                    }
                    return CompletableFuture.<UpstreamReply>completedFuture(answered(raw, deadline, tag));
                })
                .thenCompose(next -> next);
    }

    private CompletableFuture<UpstreamReply> afterFailure(Attempts attempts, int attempt, Throwable cause) {
        if (cause instanceof CancellationException) {
            return CompletableFuture.failedFuture(cause);
        }
        if (cause instanceof TimeoutException || cause instanceof ReadTimeoutException) {
            LOG.warn("request_id={} upstream={} timed out before answering", requestId(attempts.call), name());
            return CompletableFuture.completedFuture(new UpstreamReply.TimedOut(
                    "The upstream '" + name() + "' did not answer within its time limit."));
        }
        return retryOr(attempts, attempt, cause.getClass().getSimpleName(),
                new UpstreamReply.Unreachable("The upstream '" + name() + "' could not be reached."));
    }

    private CompletableFuture<UpstreamReply> retryOr(Attempts attempts, int attempt, String reason, UpstreamReply last) {
        if (attempt < settings.retries().maxRetries()) {
            return retry(attempts, attempt, reason);
        }
        LOG.warn("request_id={} upstream={} failed after {} tries: {}", requestId(attempts.call), name(), attempt + 1, reason);
        return CompletableFuture.completedFuture(last);
    }

    private CompletableFuture<UpstreamReply> retry(Attempts attempts, int attempt, String reason) {
        long delay = backoffMillis(attempt);
        LOG.info("request_id={} upstream={} try {} failed ({}); trying again in {} ms", requestId(attempts.call), name(), attempt + 1, reason, delay);
        return attempts.track(CompletableFuture.supplyAsync(() -> null, CompletableFuture.delayedExecutor(delay, TimeUnit.MILLISECONDS)), null)
                .thenCompose(ignored -> attempt(attempts, attempt + 1));
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
        String tag = connections.inFlight().newTag();
        request.header(InFlightConnections.TAG_HEADER, tag);
        return Flux.from(connections.client().exchange(request, null, null))
                .singleOrEmpty()
                .timeout(settings.timeouts().firstByte())
                .contextWrite(IGNORE_DROPPED_ERRORS)
                .toFuture()
                .whenComplete((response, failure) -> {
                    if (failure != null) {
                        connections.inFlight().abandon(tag);
                    }
                    connections.inFlight().finished(tag);
                })
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
