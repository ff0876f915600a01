package io.keyway.http;

import io.keyway.domain.completion.UpstreamReply;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import org.reactivestreams.FlowAdapters;
import reactor.core.publisher.Flux;

import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Turns an upstream's reply into the client's response: an event stream is relayed chunk by chunk as it arrives;
 * any other body is passed on whole, status and bytes unchanged.
 */
final class UpstreamRelay {
    /** Headers that describe one hop's connection or framing, or belong to the upstream's own site: never relayed. */
    private static final Set<String> NOT_RELAYED = Set.of("connection", "keep-alive", "proxy-authenticate",
            "proxy-authorization", "te", "trailer", "trailers", "transfer-encoding", "upgrade", "content-length",
            "content-encoding", "content-type", "date", "server", "set-cookie", "alt-svc", "via");

    private UpstreamRelay() {
    }

    static CompletableFuture<HttpResponse<?>> relay(UpstreamReply reply) {
        if (reply instanceof UpstreamReply.Unreachable unreachable) {
            return CompletableFuture.completedFuture(
                    OpenAiError.response(502, OpenAiError.UPSTREAM, "upstream_unreachable", null, unreachable.reason()));
        }
        if (reply instanceof UpstreamReply.TimedOut timedOut) {
            return CompletableFuture.completedFuture(
                    OpenAiError.response(504, OpenAiError.UPSTREAM, "upstream_timeout", null, timedOut.reason()));
        }
        UpstreamReply.Answered answered = (UpstreamReply.Answered) reply;
        String contentType = answered.header("Content-Type");
        Flux<byte[]> body = Flux.from(FlowAdapters.toPublisher(answered.body()));
        if (contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith(MediaType.TEXT_EVENT_STREAM)) {
            MutableHttpResponse<Flux<byte[]>> response = HttpResponse.<Flux<byte[]>>status(answered.status(), null)
                    .contentType(contentType)
                    .header("Cache-Control", "no-cache")
                    .header("X-Accel-Buffering", "no")
                    .body(body);
            copyHeaders(answered.headers(), response);
            return CompletableFuture.completedFuture(response);
        }
        return body.collect(ByteArrayOutputStream::new, (out, chunk) -> out.write(chunk, 0, chunk.length))
                .toFuture()
                .thenApply(bytes -> {
                    MutableHttpResponse<byte[]> response = HttpResponse.<byte[]>status(answered.status(), null)
                            .contentType(contentType != null ? contentType : MediaType.APPLICATION_JSON)
                            .body(bytes.toByteArray());
                    copyHeaders(answered.headers(), response);
                    return response;
                });
    }

    private static void copyHeaders(Map<String, List<String>> headers, MutableHttpResponse<?> response) {
        headers.forEach((name, values) -> {
            if (!NOT_RELAYED.contains(name.toLowerCase(Locale.ROOT))) {
                values.forEach(value -> response.getHeaders().add(name, value));
            }
        });
    }
}
