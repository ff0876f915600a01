package io.keyway.http.relay;

/** How a routed request ended, as its usage record says it. */
enum End {
    /** The answer was passed on whole. */
    COMPLETED("completed"),
    /** The upstream's body failed after the answer began: the client's transfer was cut. */
    CUT("cut"),
    /** The client left. */
    CANCELLED("cancelled"),
    /** No answer could be passed on: unreachable, timed out, failed before its first byte, or a defect. */
    FAILED("failed");

    /** What a client that left before any answer is recorded with (nginx's "client closed request"). */
    static final int CLIENT_CLOSED = 499;

    private final String recorded;

    End(String recorded) {
        this.recorded = recorded;
    }

    String recorded() {
        return recorded;
    }
}
