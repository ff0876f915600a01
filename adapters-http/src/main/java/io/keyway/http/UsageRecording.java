package io.keyway.http;

import io.keyway.application.RecordUsage;
import io.keyway.application.RouteCompletion;
import io.keyway.domain.usage.TokenUsage;
import io.keyway.domain.usage.UsageRecord;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;

/** The usage record of one routed request, made once, when its answer ends however it ends. */
final class UsageRecording {
    static final String COMPLETED = "completed";
    static final String CUT = "cut";
    static final String CANCELLED = "cancelled";
    static final String FAILED = "failed";
    /** What a client that left before any answer gets recorded with (nginx's "client closed request"). */
    static final int CLIENT_CLOSED = 499;

    private final RecordUsage recorder;
    private final RouteCompletion.Sent sent;
    private final Instant at;
    private final long startedNanos;
    private final AtomicBoolean done = new AtomicBoolean();

    UsageRecording(RecordUsage recorder, RouteCompletion.Sent sent, Instant at, long startedNanos) {
        this.recorder = recorder;
        this.sent = sent;
        this.at = at;
        this.startedNanos = startedNanos;
    }

    /** Records the request; later calls do nothing. */
    void finish(int status, String outcome, TokenUsage usage) {
        if (!done.compareAndSet(false, true)) {
            return;
        }
        recorder.record(new UsageRecord(at, sent.account(), sent.keyId(), sent.model(), sent.upstream(),
                sent.endpoint().path(), status, (System.nanoTime() - startedNanos) / 1_000_000,
                sent.streamed(), outcome, usage), sent.limits());
    }
}
