package io.keyway.http.relay;

/**
 * Watches one answer's body on its way to the client and tells its {@link RelayedRequest} what happened: the first
 * bytes, and the end with the usage the upstream reported. It keeps what only the body knows: the bytes passed on,
 * the usage seen in them, whether a declared length has been reached, and a stream's last chunk.
 */
final class BodyWatcher implements WatchedBody.Watcher {
    /** The kinds of answer a body can carry. */
    enum Kind {
        /** A successful answer passed on as it is read. */
        WHOLE,
        /** A server-sent event stream, relayed chunk by chunk. */
        STREAM,
        /** An error answer, read whole to be put in the OpenAI shape. */
        ERROR
    }

    private final RelayedRequest request;
    private final Kind kind;
    private final UsageTap tap;
    /** The length the upstream declared, or -1. */
    private final long declared;
    private long relayed;
    /** Reads passed on: a stream's reads are its events, one or a few tokens each. */
    private long reads;
    private boolean first = true;
    /**
     * Whether the stream's last chunk ended an event (or nothing was sent): decided as each chunk passes, so that the
     * chunk itself is not held for the stream's life.
     */
    private boolean endedAnEvent = true;
    /** The whole body was told as completed at its declared length: its usage is not read a second time at its end. */
    private boolean toldComplete;

    BodyWatcher(RelayedRequest request, Kind kind, long declared) {
        this.request = request;
        this.kind = kind;
        this.tap = new UsageTap(kind == Kind.STREAM);
        this.declared = declared;
    }

    @Override
    public void started() {
        if (kind == Kind.STREAM) {
            request.streamOpened();
        }
    }

    @Override
    public void chunk(byte[] chunk) {
        if (first) {
            first = false;
            request.firstByte(kind == Kind.STREAM);
        }
        tap.accept(chunk);
        relayed += chunk.length;
        reads++;
        if (kind == Kind.STREAM) {
            int n = chunk.length;
            endedAnEvent = n == 0 || (n >= 2 && chunk[n - 1] == '\n' && chunk[n - 2] == '\n');
        }
        // A body of declared length is complete with its last byte, which the client may act on (a next request
        // counted against the tokens this one used) before the end of the upstream's body travels here: its end is
        // told before that byte goes on.
        if (declared >= 0 && relayed >= declared && !toldComplete) {
            toldComplete = true;
            request.completed(tap.usage());
        }
    }

    @Override
    public void completed() {
        closeStream();
        if (!toldComplete) {
            request.completed(tap.usage());
        }
    }

    @Override
    public void failed(Throwable failure) {
        closeStream();
        request.bodyFailed(failure, tap.usage(), relayed, kind == Kind.STREAM);
    }

    @Override
    public void cancelled() {
        closeStream();
        request.bodyCancelled(tap.usage(), relayed, kind == Kind.STREAM ? reads : 0);
    }

    /** Bytes passed on so far. */
    long relayed() {
        return relayed;
    }

    /** Whether the stream's last chunk ended an event (or nothing was sent): where an error event may begin. */
    boolean endedAnEvent() {
        return endedAnEvent;
    }

    private void closeStream() {
        if (kind == Kind.STREAM) {
            request.streamClosed();
        }
    }
}
