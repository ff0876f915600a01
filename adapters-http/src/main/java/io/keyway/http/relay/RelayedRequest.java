package io.keyway.http.relay;

import io.keyway.application.CompletionEvents;
import io.keyway.application.Refusal;
import io.keyway.application.Sent;
import io.keyway.domain.completion.UpstreamFailure;
import io.keyway.domain.completion.UpstreamReply;
import io.keyway.domain.usage.TokenUsage;
import io.keyway.domain.usage.UsageRecord;
import io.keyway.http.OpenAiError;
import io.keyway.http.RefusalResponses;
import io.keyway.http.RequestIds;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MutableHttpResponse;
import org.reactivestreams.FlowAdapters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;

import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One routed request in flight, from the moment it is routed to the end of its answer. It is told each event once
 * (refused; sent; answered; first byte; then exactly one end: completed, cut, cancelled or failed) and is the one
 * place that decides what the end means: the usage record, the log line of a departure or a failure, the stream
 * meters and the rate-limit headers are made here and nowhere else. The client's response is a future completed
 * once: with the answer, the refusal, a gateway error, or, when the client left first, 499.
 *
 * <p>Threads: events come from the event loop that carries the request, the vault's executor (a key lookup that
 * missed the cache), the upstream client's loop and Netty's close listener. The end is taken with one
 * compare-and-set, so whichever comes first wins and the others do nothing.
 */
public final class RelayedRequest implements CompletionEvents {
    private static final Logger LOG = LoggerFactory.getLogger(RelayedRequest.class);

    private final Relay relay;
    private final HttpRequest<?> request;
    private final String requestId;
    private final long startedNanos;
    private final CompletableFuture<HttpResponse<?>> response = new CompletableFuture<>();
    private final AtomicBoolean ended = new AtomicBoolean();
    private volatile Sent sent;
    /** The deployment that answered and the attempts it took, once known. */
    private volatile String deployment;
    private volatile int attempts;
    private volatile Instant sentAt;
    /** What giving the request up means now: the call in flight, then the making of the answer. */
    private volatile Runnable giveUp;
    private volatile boolean gone;
    /** The upstream's status once it answered, for the usage record of any later end. */
    private volatile int status;
    /** Set once the client's response (status and headers) is made: from then on, the request ends with its body. */
    private volatile boolean answerStarted;

    RelayedRequest(Relay relay, HttpRequest<?> request, String requestId, long startedNanos) {
        this.relay = relay;
        this.request = request;
        this.requestId = requestId;
        this.startedNanos = startedNanos;
    }

    /** The client's connection, when the request came over Netty (always, but in unit tests of the relay). */
    io.netty.channel.Channel channel() {
        return request instanceof io.micronaut.http.server.netty.NettyHttpRequest<?> netty ? netty.getChannelHandlerContext().channel() : null;
    }

    /** The client's response: complete once, whatever happens. */
    public CompletableFuture<HttpResponse<?>> response() {
        return response;
    }

    /** Watches the client's connection: if it closes before the response is made, the request is given up. */
    void watchTheClient() {
        ClientDisconnects.giveUpWhenGone(request, response, this::clientGone);
    }

    @Override
    public void refused(Refusal refusal) {
        MutableHttpResponse<OpenAiError> refused = RefusalResponses.of(refusal);
        if (refusal instanceof Refusal.LimitExceeded overLimit) {
            RateLimitHeaders.add(refused, overLimit.admission());
        }
        response.complete(refused);
    }

    @Override
    public void sent(Sent sent, Runnable giveUp) {
        this.sentAt = relay.clock().instant();
        this.sent = sent;
        RequestIds.describe(request, "key=" + sent.keyId() + " model=" + sent.model() + " upstream=" + sent.upstream(), sent.upstream());
        whenGone(giveUp);
    }

    @Override
    public void answeredBy(Sent sent, String deployment, int attempts) {
        this.sent = sent;
        this.deployment = deployment;
        this.attempts = attempts;
        if (attempts > 1) {
            RequestIds.describe(request, "key=" + sent.keyId() + " model=" + sent.model() + " upstream=" + sent.upstream()
                    + " attempts=" + attempts, sent.upstream());
        }
    }

    @Override
    public void replied(UpstreamReply reply) {
        if (ended.get()) {
            // The client left before the reply: nobody will read it. A body nobody reads is given up unread.
            if (reply instanceof UpstreamReply.Answered answered) {
                Flux.from(FlowAdapters.toPublisher(answered.body())).take(0).subscribe();
            }
            return;
        }
        try {
            Disposable making = relay.answers().respond(reply, this).subscribe(this::answer, this::failed);
            whenGone(making::dispose);
        } catch (RuntimeException | Error unexpected) {
            failed(unexpected);
        }
    }

    @Override
    public void failed(Throwable cause) {
        if (end(End.FAILED, 500, TokenUsage.NONE)) {
            LOG.warn("request_id={} upstream={} the request failed: {}", requestId, upstreamName(), cause.toString());
        }
        // Never a response left pending: the server's error handling answers for it.
        response.completeExceptionally(cause);
    }

    /** The upstream answered with this status: the client's response is about to be made from it. */
    void answered(int status) {
        this.status = status;
    }

    /** The response's status and headers are made; from now on the request ends with its body. */
    void answerStarted() {
        answerStarted = true;
    }

    /** An event stream's body is being read: counted as open until its end. */
    void streamOpened() {
        relay.meters().streamOpened();
    }

    /** An event stream's body ended, however: one for each {@link #streamOpened}. */
    void streamClosed() {
        relay.meters().streamClosed();
    }

    /** The answer's first bytes are on their way to the client. */
    void firstByte(boolean eventStream) {
        if (eventStream) {
            relay.meters().firstEvent(upstreamName(), System.nanoTime() - startedNanos);
        }
    }

    /** The answer was passed on whole. */
    void completed(TokenUsage usage) {
        end(End.COMPLETED, status, usage);
    }

    /**
     * The answer's body failed. Before the response was made that is a failed request (502, or 504 for a timeout),
     * answered with {@link Answers#unfinishedAnswer}; after, the transfer is cut.
     */
    void bodyFailed(Throwable failure, TokenUsage usage, long relayed, boolean eventStream) {
        if (!answerStarted) {
            boolean timeout = failure instanceof UpstreamFailure upstreamFailure && upstreamFailure.isTimeout();
            if (end(End.FAILED, timeout ? 504 : 502, TokenUsage.NONE)) {
                LOG.warn("request_id={} upstream={} answer failed before it was complete: {}", requestId, upstreamName(), failure.getMessage());
            }
            return;
        }
        if (end(End.CUT, status, usage)) {
            LOG.warn("request_id={} upstream={} {} FAILED after {} bytes; transfer cut: {}", requestId, upstreamName(),
                    eventStream ? "stream" : "answer", relayed, failure.getMessage());
        }
    }

    /**
     * The client stopped reading the answer (it left); the upstream's body is cancelled after this. A stream left
     * before its usage event is charged an estimate, marked as one, so that leaving early does not escape token
     * limits: its prompt at four bytes of request body a token, and a token for each read of the stream passed on
     * (or each 100 bytes, if more).
     */
    void bodyCancelled(TokenUsage usage, long relayed, long streamReads) {
        if (!usage.reported() && streamReads > 0) {
            long body = Math.max(0, request.getContentLength());
            usage = TokenUsage.estimated((body + 3) / 4, Math.max(streamReads, relayed / 100));
        }
        if (end(End.CANCELLED, status, usage)) {
            if (answerStarted) {
                LOG.info("request_id={} upstream={} client went away after {} bytes of the answer; upstream request cancelled",
                        requestId, upstreamName(), relayed);
            } else {
                LOG.info("request_id={} upstream={} client went away before the answer was complete; upstream request cancelled",
                        requestId, upstreamName());
            }
        }
    }

    /** No answer could be had: the gateway's own error, recorded as failed. */
    HttpResponse<?> noAnswer(int status, String code, String reason) {
        end(End.FAILED, status, TokenUsage.NONE);
        return Answers.gatewayError(status, code, reason, upstreamName());
    }

    String upstreamName() {
        Sent known = sent;
        return known == null ? "none" : known.upstream();
    }

    /** Whether the call went with the caller's own provider key. */
    boolean usersOwnKey() {
        Sent known = sent;
        return known != null && known.usersOwnKey();
    }

    String requestId() {
        return requestId;
    }

    /** The answer made: rate-limit headers added, and the client's response completed, unless the client has gone. */
    private void answer(HttpResponse<?> answer) {
        Sent known = sent;
        if (answer instanceof MutableHttpResponse<?> mutable && known != null) {
            RateLimitHeaders.add(mutable, known.admission());
            RoutingHeaders.add(mutable, deployment, attempts);
        }
        if (gone || !response.complete(answer)) {
            Answers.discard(answer);
        }
    }

    /**
     * The client's connection closed before its response was made. The response is completed with 499 (nginx's
     * "client closed request", for the access line; nobody reads it) rather than cancelled: a cancelled future made
     * the server log an unexpected error with its stack trace.
     */
    private void clientGone() {
        gone = true;
        if (response.complete(OpenAiError.response(End.CLIENT_CLOSED, OpenAiError.INVALID_REQUEST, "client_closed_request", null,
                "The client closed the connection before the answer."))) {
            if (end(End.CANCELLED, End.CLIENT_CLOSED, TokenUsage.NONE)) {
                LOG.info("request_id={} upstream={} client went away before the answer; upstream request cancelled", requestId, upstreamName());
            }
            Runnable action = giveUp;
            if (action != null) {
                action.run();
            }
        }
    }

    /** What giving the request up means from now on; run at once if the client has already left. */
    private void whenGone(Runnable action) {
        giveUp = action;
        if (gone) {
            action.run();
        }
    }

    /**
     * Takes the request's one end: records its usage (a request that was never sent has none to record). Returns
     * whether this call took it.
     */
    private boolean end(End end, int endStatus, TokenUsage usage) {
        if (!ended.compareAndSet(false, true)) {
            return false;
        }
        Sent known = sent;
        if (known != null) {
            try {
                relay.recordUsage().record(new UsageRecord(sentAt, known.account(), known.keyId(), known.model(), known.upstream(),
                        known.endpoint().path(), endStatus, (System.nanoTime() - startedNanos) / 1_000_000, known.streamed(),
                        end.recorded(), usage, deployment, Math.max(1, attempts)), known.limits());
            } catch (RuntimeException unexpected) {
                LOG.warn("request_id={} usage not recorded: {}", requestId, unexpected.toString());
            }
        }
        return true;
    }
}
