package io.keyway.openai;

import io.keyway.domain.completion.Endpoint;
import io.keyway.domain.completion.KeyCheck;
import io.keyway.domain.completion.ModelDescriptor;
import io.keyway.domain.completion.UpstreamCall;
import io.keyway.domain.completion.UpstreamFailure;
import io.keyway.domain.completion.UpstreamReply;
import io.keyway.domain.model.ProviderKey;
import io.keyway.domain.port.CompletionProvider;
import io.micronaut.http.ByteBodyHttpResponse;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpRequest;
import io.micronaut.http.client.exceptions.ReadTimeoutException;
import org.reactivestreams.FlowAdapters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;

import java.net.URI;
import java.time.Duration;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A {@link CompletionProvider} for any OpenAI-compatible HTTP API: OpenRouter with each caller's own key, or an
 * operator's upstream with the operator's key. Request bodies go out as given; response bodies come back as a stream
 * of the bytes read, status and error bodies included. It builds the requests, runs the tries and applies the three
 * timeouts; {@link RetryPolicy} says when to try again, {@link UpstreamExchanges} carries each try, and
 * {@link UpstreamCatalogue} lists the models.
 */
final class OpenAiUpstream implements CompletionProvider {
    private static final Logger LOG = LoggerFactory.getLogger(OpenAiUpstream.class);

    private final UpstreamSettings settings;
    private final UpstreamExchanges exchanges;
    private final RetryPolicy retryPolicy;
    private final UpstreamCatalogue catalogue;
    private final UpstreamMeters meters;
    /** Each endpoint's URL, parsed once: parsing it per request showed in profiles (5% of samples). */
    private final Map<Endpoint, URI> endpoints = new EnumMap<>(Endpoint.class);

    OpenAiUpstream(UpstreamSettings settings, UpstreamExchanges exchanges, UpstreamCatalogue catalogue, UpstreamMeters meters) {
        this.settings = settings;
        this.meters = meters;
        this.exchanges = exchanges;
        this.retryPolicy = new RetryPolicy(settings.retries());
        this.catalogue = catalogue;
        for (Endpoint endpoint : Endpoint.values()) {
            endpoints.put(endpoint, URI.create(settings.endpoint(settings.access().path(endpoint))));
        }
    }

    @Override
    public String name() {
        return settings.name();
    }

    @Override
    public String host() {
        URI base = endpoints.get(Endpoint.CHAT_COMPLETIONS);
        return base.getPort() < 0 ? base.getHost() : base.getHost() + ":" + base.getPort();
    }

    @Override
    public CompletionStage<UpstreamReply> send(UpstreamCall call) {
        Tries tries = new Tries(call, System.nanoTime() + settings.timeouts().total().toNanos());
        CompletableFuture<UpstreamReply> result = new CompletableFuture<>();
        attempt(tries, 0).whenComplete((reply, failure) -> {
            if (failure != null) {
                result.completeExceptionally(failure);
            } else if (!result.complete(reply)) {
                // The caller gave up while the answer arrived: nobody will read it.
                tries.cancel();
            }
        });
        // The caller gave up before the answer: abort the try in flight (its connection) or the wait before the next.
        result.whenComplete((reply, failure) -> {
            if (result.isCancelled()) {
                tries.cancel();
            }
        });
        return result;
    }

    /**
     * The tries of one call, with whichever is in flight, so that the caller can abandon it: the exchange (its
     * connection is closed) or the pause before the next try.
     */
    private static final class Tries {
        final UpstreamCall call;
        final long deadline;
        private final AtomicReference<UpstreamExchanges.Exchange> exchange = new AtomicReference<>();
        private final AtomicReference<Future<?>> pause = new AtomicReference<>();
        private volatile boolean cancelled;

        Tries(UpstreamCall call, long deadline) {
            this.call = call;
            this.deadline = deadline;
        }

        UpstreamExchanges.Exchange track(UpstreamExchanges.Exchange current) {
            exchange.set(current);
            pause.set(null);
            if (cancelled) {
                current.abandon();
            }
            return current;
        }

        <T extends Future<?>> T trackPause(T current) {
            pause.set(current);
            if (cancelled) {
                current.cancel(true);
            }
            return current;
        }

        void cancel() {
            cancelled = true;
            UpstreamExchanges.Exchange current = exchange.get();
            if (current != null) {
                current.abandon();
            }
            Future<?> waiting = pause.get();
            if (waiting != null) {
                waiting.cancel(true);
            }
        }
    }

    /**
     * One try. Nothing has reached the client while this runs, so what {@link RetryPolicy} allows is tried again;
     * a timeout and any other status are final.
     */
    private CompletableFuture<UpstreamReply> attempt(Tries tries, int attempt) {
        UpstreamCall call = tries.call;
        Duration firstByte = call.stream() ? settings.timeouts().firstByte() : min(settings.timeouts().firstByte(), remaining(tries.deadline));
        UpstreamExchanges.Exchange exchange = tries.track(exchanges.send(request(call), call.body(), firstByte));
        long sent = System.nanoTime();
        return exchange.response()
                .handle((response, failure) -> {
                    if (response != null) {
                        meters.answered(response.code(), System.nanoTime() - sent);
                    }
                    if (failure != null) {
                        return afterFailure(tries, attempt, unwrap(failure));
                    }
                    if (response == null) {
                        return retryOr(tries, attempt, "no response", new UpstreamReply.Unreachable(
                                "The upstream '" + name() + "' closed the connection without answering."));
                    }
                    if (RetryPolicy.retriesStatus(response.code()) && retryPolicy.allowsAnotherAfter(attempt)) {
                        exchange.discard(response);
                        return retry(tries, attempt, "status " + response.code());
                    }
                    return CompletableFuture.<UpstreamReply>completedFuture(answered(exchange, response, tries.deadline, credential(call)));
                })
                .thenCompose(next -> next);
    }

    private CompletableFuture<UpstreamReply> afterFailure(Tries tries, int attempt, Throwable cause) {
        if (cause instanceof CancellationException) {
            return CompletableFuture.failedFuture(cause);
        }
        if (cause instanceof TimeoutException || cause instanceof ReadTimeoutException) {
            LOG.warn("request_id={} upstream={} timed out before answering", tries.call.requestId(), name());
            meters.timedOut("first_byte");
            return CompletableFuture.completedFuture(new UpstreamReply.TimedOut(
                    "The upstream '" + name() + "' did not answer within its time limit."));
        }
        return retryOr(tries, attempt, cause.getClass().getSimpleName(),
                new UpstreamReply.Unreachable("The upstream '" + name() + "' could not be reached."));
    }

    private CompletableFuture<UpstreamReply> retryOr(Tries tries, int attempt, String reason, UpstreamReply last) {
        if (retryPolicy.allowsAnotherAfter(attempt)) {
            return retry(tries, attempt, reason);
        }
        LOG.warn("request_id={} upstream={} failed after {} tries: {}", tries.call.requestId(), name(), attempt + 1, reason);
        return CompletableFuture.completedFuture(last);
    }

    private CompletableFuture<UpstreamReply> retry(Tries tries, int attempt, String reason) {
        long delay = retryPolicy.backoffMillis(attempt);
        meters.retried();
        LOG.info("request_id={} upstream={} try {} failed ({}); trying again in {} ms", tries.call.requestId(), name(), attempt + 1, reason, delay);
        return tries.trackPause(CompletableFuture.supplyAsync(() -> null, CompletableFuture.delayedExecutor(delay, TimeUnit.MILLISECONDS)))
                .thenCompose(ignored -> attempt(tries, attempt + 1));
    }

    private MutableHttpRequest<?> request(UpstreamCall call) {
        MutableHttpRequest<?> request = HttpRequest.POST(endpoints.get(call.endpoint()), null)
                .contentType(MediaType.APPLICATION_JSON_TYPE)
                .accept(call.stream() ? MediaType.TEXT_EVENT_STREAM_TYPE : MediaType.APPLICATION_JSON_TYPE)
                .header("X-Request-Id", call.requestId());
        call.headers().forEach(request::header);
        settings.access().authorize(request, credential(call));
        return request;
    }

    /** The key a call is sent with: the caller's own, else the operator's, else none. */
    private Optional<String> credential(UpstreamCall call) {
        return call.credential().map(ProviderKey::reveal).or(settings::operatorApiKey);
    }

    private UpstreamReply answered(UpstreamExchanges.Exchange exchange, ByteBodyHttpResponse<?> response, long deadline,
                                   Optional<String> credential) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        response.getHeaders().forEach((name, values) -> {
            // A header that repeats the key sent (a WWW-Authenticate echoing it, say) is dropped whole.
            if (credential.isEmpty() || values.stream().noneMatch(value -> CredentialEchoes.echoes(value, credential.get()))) {
                headers.put(name, List.copyOf(values));
            }
        });
        boolean eventStream = UpstreamReply.Answered.announcesEventStream(headers);
        BodyWatchdog.BodyLimit limit = eventStream
                ? new BodyWatchdog.BodyLimit.Idle(settings.timeouts().idle())
                : new BodyWatchdog.BodyLimit.Deadline(deadline);
        // Any status, whole or streamed: an upstream may quote the key in an error, an error event or an answer; the
        // body's one operator replaces it.
        Flux<byte[]> body = exchange.body(response, limit,
                failure -> failure instanceof UpstreamFailure ? failure : midBodyFailure(failure, eventStream), credential.orElse(null));
        return new UpstreamReply.Answered(response.code(), headers, eventStream, FlowAdapters.toFlowPublisher(body));
    }

    private UpstreamFailure midBodyFailure(Throwable failure, boolean eventStream) {
        if (failure instanceof TimeoutException) {
            meters.timedOut(eventStream ? "idle" : "total");
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
    public CompletionStage<List<ModelDescriptor>> models(Optional<ProviderKey> callerKey) {
        return catalogue.models(callerKey.map(ProviderKey::reveal).or(settings::operatorApiKey));
    }

    @Override
    public CompletionStage<Boolean> answers() {
        return catalogue.answers();
    }

    @Override
    public CompletionStage<KeyCheck> check(ProviderKey key) {
        if (!settings.access().checkKeys()) {
            return CompletableFuture.completedFuture(KeyCheck.UNCHECKED);
        }
        return catalogue.check(key.reveal());
    }
}
