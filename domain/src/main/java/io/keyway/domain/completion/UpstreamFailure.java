package io.keyway.domain.completion;

/**
 * How an answer's body failed after the upstream had started answering: the connection was lost, or the upstream fell
 * silent too long. A body publisher signals it with {@code onError}; the message names no secret.
 */
public final class UpstreamFailure extends RuntimeException {
    public enum Kind {
        /** The connection broke (reset, closed mid-body). */
        CONNECTION_LOST,
        /** No bytes for longer than the idle limit between stream events. */
        IDLE_TIMEOUT,
        /** The whole answer took longer than the total limit. */
        TOTAL_TIMEOUT,
        /** The upstream reported an error in the stream itself (Anthropic's {@code error} event) and ended it. */
        REPORTED
    }

    private final Kind kind;

    public UpstreamFailure(Kind kind, String message) {
        super(message, null, false, false);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    public boolean isTimeout() {
        return kind == Kind.IDLE_TIMEOUT || kind == Kind.TOTAL_TIMEOUT;
    }
}
