package io.keyway.http;

import io.keyway.domain.completion.UpstreamFailure;
import io.keyway.domain.completion.UpstreamReply;
import io.keyway.domain.usage.TokenUsage;
import io.micronaut.core.io.buffer.ByteArrayBufferFactory;
import io.micronaut.core.io.buffer.ReadBufferFactory;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.body.ByteBody;
import io.micronaut.http.body.ByteBodyFactory;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.json.JsonMapper;
import jakarta.inject.Singleton;
import org.reactivestreams.FlowAdapters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Turns an upstream's reply into the client's response. An event stream is relayed chunk by chunk as it arrives; if
 * the upstream fails mid-stream, the client gets one last {@code data: {"error":…}} event and the stream ends without
 * {@code [DONE]} and without a clean end of the transfer, never with a made-up finish. Any other successful body is
 * passed on as it is read too (see {@link #flowThrough}); an error body (status 400 and up) is read whole and put in
 * the OpenAI shape naming the provider.
 */
@Singleton
final class UpstreamRelay {
    private static final Logger LOG = LoggerFactory.getLogger(UpstreamRelay.class);
    /** Headers that describe one hop's connection or framing, or belong to the upstream's own site: never relayed. */
    private static final Set<String> NOT_RELAYED = Set.of("connection", "keep-alive", "proxy-authenticate",
            "proxy-authorization", "te", "trailer", "trailers", "transfer-encoding", "upgrade", "content-length",
            "content-encoding", "content-type", "date", "server", "set-cookie", "alt-svc", "via", "x-request-id");

    /**
     * Between a cut stream's error event and the broken transfer. Not a framework workaround: Micronaut writes the
     * last event before it aborts ({@code FailedStreamsTest} shows it). It is a courtesy to clients that read a
     * broken transfer before the bytes that came with it, so that they report the upstream's failure rather than a
     * bare "premature close"; costs only a failed stream 200 ms.
     */
    static final Duration PAUSE_BEFORE_THE_CUT = Duration.ofMillis(200);

    private static final ByteBodyFactory BODIES = ByteBodyFactory.createDefault(ByteArrayBufferFactory.INSTANCE);
    private static final ReadBufferFactory READ_BUFFERS = ReadBufferFactory.getJdkFactory();

    private final UpstreamErrors errors;
    private final GatewayMeters meters;

    UpstreamRelay(JsonMapper json, GatewayMeters meters) {
        this.errors = new UpstreamErrors(json);
        this.meters = meters;
    }

    /**
     * The client's response. Cancelling the returned publisher (the client went away) cancels the upstream body,
     * which aborts the upstream request.
     */
    Mono<HttpResponse<?>> relay(UpstreamReply reply, String upstream, String requestId, long requestStarted, UsageRecording usage) {
        if (reply instanceof UpstreamReply.Unreachable unreachable) {
            usage.finish(502, UsageRecording.FAILED, TokenUsage.NONE);
            return Mono.just(gatewayError(502, "upstream_unreachable", unreachable.reason(), upstream));
        }
        if (reply instanceof UpstreamReply.TimedOut timedOut) {
            usage.finish(504, UsageRecording.FAILED, TokenUsage.NONE);
            return Mono.just(gatewayError(504, "upstream_timeout", timedOut.reason(), upstream));
        }
        UpstreamReply.Answered answered = (UpstreamReply.Answered) reply;
        String contentType = answered.header("Content-Type");
        Flux<byte[]> body = Flux.from(FlowAdapters.toPublisher(answered.body()));
        if (answered.eventStream()) {
            EventStream watcher = new EventStream(answered.status(), usage, upstream, requestId, requestStarted);
            MutableHttpResponse<Flux<byte[]>> response = HttpResponse.<Flux<byte[]>>status(answered.status(), null)
                    .contentType(contentType)
                    .header("Cache-Control", "no-cache")
                    .header("X-Accel-Buffering", "no")
                    .body(endTruthfully(new WatchedBody(body, watcher), watcher, upstream));
            copyHeaders(answered.headers(), response);
            return Mono.just(response);
        }
        if (answered.status() < 400) {
            OptionalLong length = declaredLength(answered);
            WholeAnswer watcher = new WholeAnswer(answered.status(), usage, length.orElse(-1), upstream, requestId);
            return flowThrough(answered, new WatchedBody(body, watcher), watcher, length, contentType, upstream, requestId, usage);
        }
        body = new WatchedBody(body, new Tapped(answered.status(), false, usage, upstream, requestId));
        AtomicBoolean produced = new AtomicBoolean();
        return body.collect(ByteArrayOutputStream::new, (out, chunk) -> out.write(chunk, 0, chunk.length))
                .<HttpResponse<?>>map(bytes -> {
                    produced.set(true);
                    MutableHttpResponse<byte[]> response = HttpResponse.<byte[]>status(answered.status(), null)
                            .contentType(MediaType.APPLICATION_JSON)
                            .body(errors.normalise(answered.status(), bytes.toByteArray(), upstream));
                    copyHeaders(answered.headers(), response);
                    return response;
                })
                .onErrorResume(cause -> Mono.just(unfinishedAnswer(cause, upstream, requestId)))
                // The server cancels a Mono once it has its value: only a cancel before that means the client left.
                .doOnCancel(() -> {
                    if (!produced.get()) {
                        LOG.info("request_id={} upstream={} client went away before the answer was complete; upstream request cancelled",
                                requestId, upstream);
                    }
                });
    }

    /**
     * A body with its usage watched and recorded when it ends (completed, cut by the upstream, or cancelled by the
     * client); the record is made before the end travels on (a consumer that cancels once it has seen the end must
     * not make a completed answer look cancelled).
     */
    private static class Tapped implements WatchedBody.Watcher {
        final int status;
        final UsageRecording usage;
        final UsageTap tap;
        /** For log lines. */
        final String upstream;
        final String requestId;
        /** Bytes passed on so far. */
        long relayed;

        Tapped(int status, boolean eventStream, UsageRecording usage, String upstream, String requestId) {
            this.status = status;
            this.usage = usage;
            this.tap = new UsageTap(eventStream);
            this.upstream = upstream;
            this.requestId = requestId;
        }

        @Override
        public void chunk(byte[] chunk) {
            tap.accept(chunk);
            relayed += chunk.length;
        }

        @Override
        public void completed() {
            usage.finish(status, UsageRecording.COMPLETED, tap.usage());
        }

        @Override
        public void failed(Throwable failure) {
            usage.finish(status, UsageRecording.CUT, tap.usage());
        }

        @Override
        public void cancelled() {
            usage.finish(status, UsageRecording.CANCELLED, tap.usage());
        }
    }

    /** A whole answer passed on as it is read: its usage, and the log lines of an answer that did not end well. */
    private static final class WholeAnswer extends Tapped {
        private final long declared;
        /** Set once the response (status and headers) is made: from then on, its end is the body's. */
        volatile boolean started;

        WholeAnswer(int status, UsageRecording usage, long declared, String upstream, String requestId) {
            super(status, false, usage, upstream, requestId);
            this.declared = declared;
        }

        @Override
        public void chunk(byte[] chunk) {
            super.chunk(chunk);
            // A body of declared length is complete with its last byte, which the client may act on (a next request
            // counted against the tokens this one used) before the end of the upstream's body travels here: record
            // it before that byte goes on.
            if (declared >= 0 && relayed >= declared) {
                completed();
            }
        }

        @Override
        public void failed(Throwable failure) {
            super.failed(failure);
            if (started) {
                LOG.warn("request_id={} upstream={} answer FAILED after {} bytes; transfer cut: {}", requestId, upstream,
                        relayed, failure.getMessage());
            }
        }

        @Override
        public void cancelled() {
            super.cancelled();
            if (started) {
                LOG.info("request_id={} upstream={} client went away after {} bytes of the answer; upstream request cancelled",
                        requestId, upstream, relayed);
            }
        }
    }

    /** A relayed event stream: its usage, counted while open, the time to its first bytes, and its last chunk. */
    private final class EventStream extends Tapped {
        private final long requestStarted;
        private byte[] last = new byte[0];
        private boolean first = true;

        EventStream(int status, UsageRecording usage, String upstream, String requestId, long requestStarted) {
            super(status, true, usage, upstream, requestId);
            this.requestStarted = requestStarted;
        }

        @Override
        public void started() {
            meters.streamOpened();
        }

        @Override
        public void chunk(byte[] chunk) {
            if (first) {
                first = false;
                meters.firstEvent(upstream, System.nanoTime() - requestStarted);
            }
            super.chunk(chunk);
            last = chunk;
        }

        // WatchedBody tells exactly one end: each closes the stream's count once.
        @Override
        public void completed() {
            super.completed();
            meters.streamClosed();
        }

        @Override
        public void failed(Throwable failure) {
            super.failed(failure);
            meters.streamClosed();
        }

        @Override
        public void cancelled() {
            super.cancelled();
            meters.streamClosed();
            LOG.info("request_id={} upstream={} client went away after {} bytes; upstream request cancelled", requestId, upstream, relayed);
        }

        boolean endedAnEvent() {
            return endsAnEvent(last);
        }
    }

    private Mono<HttpResponse<?>> flowThrough(UpstreamReply.Answered answered, Flux<byte[]> body, WholeAnswer watcher, OptionalLong length,
                                              String contentType, String upstream, String requestId, UsageRecording usage) {
        // The outer publisher ends once the response is made; the body (the same subscription, first chunk included)
        // is read by the server afterwards, so its completion must not cancel the source.
        return body.<HttpResponse<?>>switchOnFirst((first, whole) -> {
                    if (first.isOnError()) {
                        HttpResponse<?> failed = unfinishedAnswer(first.getThrowable(), upstream, requestId);
                        usage.finish(failed.code(), UsageRecording.FAILED, TokenUsage.NONE);
                        return Flux.just(failed);
                    }
                    watcher.started = true;
                    // A ByteBody is written as it is; a publisher of chunks would be framed as a JSON array.
                    MutableHttpResponse<ByteBody> response = HttpResponse.<ByteBody>status(answered.status(), null)
                            .contentType(contentType == null ? MediaType.APPLICATION_JSON : contentType)
                            .body(BODIES.adapt(whole.map(READ_BUFFERS::adapt), length));
                    copyHeaders(answered.headers(), response);
                    return Flux.just(response);
                }, false)
                .single()
                .doOnCancel(() -> {
                    if (!watcher.started) {
                        LOG.info("request_id={} upstream={} client went away before the answer began; upstream request cancelled",
                                requestId, upstream);
                    }
                });
    }

    /**
     * The length the upstream declared for a body passed on unchanged, so that the client gets it too: one write of a
     * sized body instead of a chunked one with its closing chunk. None when the body was decoded on its way (the
     * declared length was the encoded one) or the header is not a plain number.
     */
    private static OptionalLong declaredLength(UpstreamReply.Answered answered) {
        String length = answered.header("Content-Length");
        if (length == null || answered.header("Content-Encoding") != null) {
            return OptionalLong.empty();
        }
        try {
            long declared = Long.parseLong(length.strip());
            return declared >= 0 ? OptionalLong.of(declared) : OptionalLong.empty();
        } catch (NumberFormatException notANumber) {
            return OptionalLong.empty();
        }
    }

    /** The client's response when an answer's body fails before any of it was passed on. */
    private static HttpResponse<?> unfinishedAnswer(Throwable cause, String upstream, String requestId) {
        LOG.warn("request_id={} upstream={} answer failed before it was complete: {}", requestId, upstream, cause.getMessage());
        boolean timeout = cause instanceof UpstreamFailure upstreamFailure && upstreamFailure.isTimeout();
        return gatewayError(timeout ? 504 : 502, timeout ? "upstream_timeout" : "upstream_unreachable",
                cause instanceof UpstreamFailure ? cause.getMessage() : "The upstream '" + upstream + "' answer could not be read.", upstream);
    }

    private static Flux<byte[]> endTruthfully(Flux<byte[]> body, EventStream watcher, String upstream) {
        return body.onErrorResume(failure -> {
            LOG.warn("request_id={} upstream={} stream FAILED after {} bytes: {}", watcher.requestId, upstream, watcher.relayed,
                    failure.getMessage());
            // The error event tells SDKs that read in-band errors; failing the body afterwards makes the server drop
            // the connection without the closing chunk, so clients that ignore error events still see a broken
            // transfer and never mistake the cut stream for a finished one.
            return Flux.concat(Flux.just(errorEvent(failure, upstream, watcher.endedAnEvent())),
                    Mono.delay(PAUSE_BEFORE_THE_CUT).then(Mono.error(
                            new UpstreamFailure(UpstreamFailure.Kind.CONNECTION_LOST, "relayed stream cut after its error event"))));
        });
    }

    private static boolean endsAnEvent(byte[] chunk) {
        int n = chunk.length;
        return n == 0 || (n >= 2 && chunk[n - 1] == '\n' && chunk[n - 2] == '\n');
    }

    private static byte[] errorEvent(Throwable failure, String upstream, boolean atEventBoundary) {
        boolean timeout = failure instanceof UpstreamFailure upstreamFailure && upstreamFailure.isTimeout();
        String message = failure instanceof UpstreamFailure ? failure.getMessage() : "The stream from '" + upstream + "' failed.";
        String event = (atEventBoundary ? "" : "\n\n") + "data: {\"error\":{\"message\":" + JsonText.quote(message)
                + ",\"type\":\"upstream_error\",\"param\":null,\"code\":\"" + (timeout ? "upstream_timeout" : "upstream_stream_interrupted")
                + "\",\"provider\":" + JsonText.quote(upstream) + "}}\n\n";
        return event.getBytes(StandardCharsets.UTF_8);
    }

    private static MutableHttpResponse<OpenAiError> gatewayError(int status, String code, String message, String upstream) {
        return OpenAiError.response(status, OpenAiError.UPSTREAM, code, null, message, upstream);
    }

    private static void copyHeaders(Map<String, List<String>> headers, MutableHttpResponse<?> response) {
        headers.forEach((name, values) -> {
            if (!NOT_RELAYED.contains(name.toLowerCase(Locale.ROOT))) {
                values.forEach(value -> response.getHeaders().add(name, value));
            }
        });
    }
}
