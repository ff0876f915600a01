package io.keyway.domain.completion;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Flow;

/** What became of a call upstream. */
public sealed interface UpstreamReply {
    /**
     * The upstream answered. The body arrives as it is read, chunk by chunk; cancelling the subscription aborts the
     * upstream request.
     *
     * @param eventStream whether the body is a server-sent event stream ({@code text/event-stream}): the one place
     *                    that says so, decided from what the upstream sent, not from what the client asked for
     */
    record Answered(int status, Map<String, List<String>> headers, boolean eventStream, Flow.Publisher<byte[]> body)
            implements UpstreamReply {
        private static final String EVENT_STREAM = "text/event-stream";

        public Answered {
            headers = Map.copyOf(headers);
        }

        /** An answer whose kind is read from its {@code Content-Type}. */
        public Answered(int status, Map<String, List<String>> headers, Flow.Publisher<byte[]> body) {
            this(status, headers, announcesEventStream(headers), body);
        }

        public String header(String name) {
            return header(headers, name);
        }

        /** Whether response headers announce a server-sent event stream: the rule every adapter applies. */
        public static boolean announcesEventStream(Map<String, List<String>> headers) {
            String contentType = header(headers, "Content-Type");
            return contentType != null && contentType.strip().toLowerCase(Locale.ROOT).startsWith(EVENT_STREAM);
        }

        private static String header(Map<String, List<String>> headers, String name) {
            // A loop, not a stream: read several times for every answer.
            for (Map.Entry<String, List<String>> header : headers.entrySet()) {
                if (header.getKey().equalsIgnoreCase(name) && !header.getValue().isEmpty()) {
                    return header.getValue().get(0);
                }
            }
            return null;
        }
    }

    /** No answer could be had: refused connection, unknown host, reset before the response. */
    record Unreachable(String reason) implements UpstreamReply {
    }

    /** The upstream did not answer in time. */
    record TimedOut(String reason) implements UpstreamReply {
    }
}
