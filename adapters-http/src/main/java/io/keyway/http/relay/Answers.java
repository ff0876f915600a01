package io.keyway.http.relay;

import io.keyway.domain.completion.UpstreamFailure;
import io.keyway.domain.completion.UpstreamReply;
import io.keyway.http.JsonText;
import io.keyway.http.OpenAiError;
import io.micronaut.core.io.buffer.ByteArrayBufferFactory;
import io.micronaut.core.io.buffer.ReadBufferFactory;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.body.ByteBody;
import io.micronaut.http.body.ByteBodyFactory;
import org.reactivestreams.FlowAdapters;
import org.reactivestreams.Publisher;
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

/**
 * Turns an upstream's reply into the client's response. An event stream is relayed chunk by chunk as it arrives; if
 * the upstream fails mid-stream, the client gets one last {@code data: {"error":…}} event and the stream ends without
 * {@code [DONE]} and without a clean end of the transfer, never with a made-up finish. Any other successful body is
 * passed on as it is read (see {@link #flowThrough}); an error body (status 400 and up) is read whole and put in the
 * OpenAI shape naming the provider. Each body is read through one {@link WatchedBody} whose {@link BodyWatcher} tells
 * the {@link RelayedRequest} how it went; nothing here decides how the request ends.
 *
 * <p>The body crosses the domain's port as a {@code java.util.concurrent.Flow.Publisher} and is read here as the
 * Reactor publisher the upstream adapter made: {@link FlowAdapters} unwraps its own wrapper, so no operator stands
 * between the two.
 */
final class Answers {
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

    Answers(UpstreamErrors errors) {
        this.errors = errors;
    }

    /**
     * The client's response to {@code reply}. Cancelling the returned publisher (the client went away) cancels the
     * upstream body, which aborts the upstream request.
     */
    Mono<HttpResponse<?>> respond(UpstreamReply reply, RelayedRequest request) {
        if (reply instanceof UpstreamReply.Unreachable unreachable) {
            return Mono.just(request.noAnswer(502, "upstream_unreachable", unreachable.reason()));
        }
        if (reply instanceof UpstreamReply.TimedOut timedOut) {
            return Mono.just(request.noAnswer(504, "upstream_timeout", timedOut.reason()));
        }
        UpstreamReply.Answered answered = (UpstreamReply.Answered) reply;
        request.answered(answered.status());
        Flux<byte[]> body = Flux.from(FlowAdapters.toPublisher(answered.body()));
        if (answered.eventStream()) {
            return Mono.just(stream(answered, body, request));
        }
        if (answered.status() < 400) {
            OptionalLong length = declaredLength(answered);
            BodyWatcher watcher = new BodyWatcher(request, BodyWatcher.Kind.WHOLE, length.orElse(-1));
            return flowThrough(answered, new WatchedBody(body, watcher), length, request);
        }
        return new WatchedBody(body, new BodyWatcher(request, BodyWatcher.Kind.ERROR, -1))
                .collect(ByteArrayOutputStream::new, (out, chunk) -> out.write(chunk, 0, chunk.length))
                .<HttpResponse<?>>map(bytes -> {
                    request.answerStarted();
                    UpstreamErrors.Normalised error = errors.normalise(answered.status(), bytes.toByteArray(), request.upstreamName(),
                            request.usersOwnKey());
                    MutableHttpResponse<byte[]> response = HttpResponse.<byte[]>status(error.status(), null)
                            .contentType(MediaType.APPLICATION_JSON)
                            .body(error.body());
                    copyHeaders(answered.headers(), response);
                    return response;
                })
                .onErrorResume(cause -> Mono.just(unfinishedAnswer(cause, request.upstreamName())));
    }

    private static HttpResponse<?> stream(UpstreamReply.Answered answered, Flux<byte[]> body, RelayedRequest request) {
        BodyWatcher watcher = new BodyWatcher(request, BodyWatcher.Kind.STREAM, -1);
        request.answerStarted();
        Flux<byte[]> events = endTruthfully(new WatchedBody(body, watcher), watcher, request.upstreamName());
        io.netty.channel.Channel channel = request.channel();
        MutableHttpResponse<Object> response = HttpResponse.status(answered.status(), null)
                .contentType(answered.header("Content-Type"))
                .header("Cache-Control", "no-cache")
                .header("X-Accel-Buffering", "no")
                .header("Date", HttpDate.now())
                .body(channel == null ? events : StreamedBody.of(events, channel));
        copyHeaders(answered.headers(), response);
        return response;
    }

    private static Mono<HttpResponse<?>> flowThrough(UpstreamReply.Answered answered, Flux<byte[]> body, OptionalLong length,
                                                     RelayedRequest request) {
        String contentType = answered.header("Content-Type");
        // The outer publisher ends once the response is made; the body (the same subscription, first chunk included)
        // is read by the server afterwards, so its completion must not cancel the source.
        return body.<HttpResponse<?>>switchOnFirst((first, whole) -> {
                    if (first.isOnError()) {
                        return Flux.just(unfinishedAnswer(first.getThrowable(), request.upstreamName()));
                    }
                    request.answerStarted();
                    // A ByteBody is written as it is; a publisher of chunks would be framed as a JSON array.
                    MutableHttpResponse<ByteBody> response = HttpResponse.<ByteBody>status(answered.status(), null)
                            .contentType(contentType == null ? MediaType.APPLICATION_JSON : contentType)
                            .header("Date", HttpDate.now())
                            .body(BODIES.adapt(whole.map(READ_BUFFERS::adapt), length));
                    copyHeaders(answered.headers(), response);
                    return Flux.just(response);
                }, false)
                .single();
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

    private static Flux<byte[]> endTruthfully(Flux<byte[]> body, BodyWatcher watcher, String upstream) {
        // The error event tells SDKs that read in-band errors; failing the body afterwards makes the server drop the
        // connection without the closing chunk, so clients that ignore error events still see a broken transfer and
        // never mistake the cut stream for a finished one.
        return body.onErrorResume(failure -> Flux.concat(Flux.just(errorEvent(failure, upstream, watcher.endedAnEvent())),
                Mono.delay(PAUSE_BEFORE_THE_CUT).then(Mono.error(
                        new UpstreamFailure(UpstreamFailure.Kind.CONNECTION_LOST, "relayed stream cut after its error event")))));
    }

    private static byte[] errorEvent(Throwable failure, String upstream, boolean atEventBoundary) {
        boolean timeout = failure instanceof UpstreamFailure upstreamFailure && upstreamFailure.isTimeout();
        String message = failure instanceof UpstreamFailure ? failure.getMessage() : "The stream from '" + upstream + "' failed.";
        String event = (atEventBoundary ? "" : "\n\n") + "data: {\"error\":{\"message\":" + JsonText.quote(message)
                + ",\"type\":\"upstream_error\",\"param\":null,\"code\":\"" + (timeout ? "upstream_timeout" : "upstream_stream_interrupted")
                + "\",\"provider\":" + JsonText.quote(upstream) + "}}\n\n";
        return event.getBytes(StandardCharsets.UTF_8);
    }

    /** The response for an answer whose body failed before any of it was passed on. */
    static HttpResponse<?> unfinishedAnswer(Throwable cause, String upstream) {
        boolean timeout = cause instanceof UpstreamFailure upstreamFailure && upstreamFailure.isTimeout();
        return gatewayError(timeout ? 504 : 502, timeout ? "upstream_timeout" : "upstream_unreachable",
                cause instanceof UpstreamFailure ? cause.getMessage() : "The upstream '" + upstream + "' answer could not be read.",
                upstream);
    }

    /** An answer made for a client that has gone: its body is given up unread, which gives up the call upstream. */
    static void discard(HttpResponse<?> answer) {
        Object body = answer.body();
        if (body instanceof ByteBody byteBody) {
            Flux.from(byteBody.toByteArrayPublisher()).take(0).subscribe();
        } else if (body instanceof Publisher<?> publisher) {
            Flux.from(publisher).take(0).subscribe();
        }
    }

    static MutableHttpResponse<OpenAiError> gatewayError(int status, String code, String message, String upstream) {
        return OpenAiError.response(status, OpenAiError.UPSTREAM, code, null, message, upstream);
    }

    /**
     * Only the upstream headers a client can use reach it: {@code Retry-After}, the upstream's own request and
     * generation ids, and its rate-limit headers renamed {@code x-upstream-ratelimit-*} (and
     * {@code x-upstream-anthropic-ratelimit-*}) so that nobody takes them for Keyway's own {@code x-ratelimit-*}. Every
     * other header (CORS, {@code Location}, {@code Content-Security-Policy}, cookies, hop-by-hop ones) stays behind.
     */
    private static void copyHeaders(Map<String, List<String>> headers, MutableHttpResponse<?> response) {
        headers.forEach((name, values) -> {
            String relayed = relayedName(name.toLowerCase(Locale.ROOT));
            if (relayed != null) {
                values.forEach(value -> response.getHeaders().add(relayed, value));
            }
        });
    }

    /** The name an upstream header reaches the client under, or null when it does not. */
    static String relayedName(String lower) {
        if (NOT_RELAYED.contains(lower)) {
            return null;
        }
        if (RELAYED.contains(lower)) {
            return lower;
        }
        if (lower.startsWith("x-ratelimit-")) {
            return "x-upstream-ratelimit-" + lower.substring("x-ratelimit-".length());
        }
        if (lower.startsWith("anthropic-ratelimit-")) {
            return "x-upstream-anthropic-ratelimit-" + lower.substring("anthropic-ratelimit-".length());
        }
        return null;
    }

    /** Upstream headers passed on under their own name. */
    private static final Set<String> RELAYED = Set.of("retry-after", "x-generation-id", "request-id", "openai-processing-ms",
            "x-upstream-request-id");
}
