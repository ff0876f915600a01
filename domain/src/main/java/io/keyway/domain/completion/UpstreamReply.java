package io.keyway.domain.completion;

import java.util.List;
import java.util.Map;
import java.util.concurrent.Flow;

/** What became of a call upstream. */
public sealed interface UpstreamReply {
    /**
     * The upstream answered. The body arrives as it is read, chunk by chunk; cancelling the subscription aborts the
     * upstream request.
     */
    record Answered(int status, Map<String, List<String>> headers, Flow.Publisher<byte[]> body) implements UpstreamReply {
        public Answered {
            headers = Map.copyOf(headers);
        }

        public String header(String name) {
            return headers.entrySet().stream()
                    .filter(e -> e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty())
                    .map(e -> e.getValue().get(0))
                    .findFirst().orElse(null);
        }
    }

    /** No answer could be had: refused connection, unknown host, reset before the response. */
    record Unreachable(String reason) implements UpstreamReply {
    }

    /** The upstream did not answer in time. */
    record TimedOut(String reason) implements UpstreamReply {
    }
}
