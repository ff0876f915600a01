package io.keyway.openai;

import java.time.Duration;
import java.util.concurrent.Future;
import java.util.concurrent.TimeoutException;

/**
 * One timer per body, not one per read: a read only notes the time, and the timer, when it runs, sets itself
 * again for what is left. When the limit is broken it closes the connection, which ends the read with an
 * error that is reported as the timeout.
 */
final class BodyWatchdog implements Runnable {
    private final BodyLimit limit;
    private final UpstreamTimers timers;
    private final InFlightConnections.Call call;
    private volatile long lastRead;
    private volatile boolean fired;
    private volatile boolean done;
    private volatile Future<?> timer;

    BodyWatchdog(BodyLimit limit, UpstreamTimers timers, InFlightConnections.Call call) {
        this.limit = limit;
        this.timers = timers;
        this.call = call;
    }

    void arm() {
        lastRead = System.nanoTime();
        schedule(lastRead);
    }

    void read() {
        if (limit instanceof BodyLimit.Idle) {
            lastRead = System.nanoTime();
        }
    }

    private void schedule(long now) {
        if (!done) {
            timer = timers.schedule(this, due() - now);
        }
    }

    private long due() {
        return limit instanceof BodyLimit.Idle idle ? lastRead + idle.idle().toNanos() : ((BodyLimit.Deadline) limit).deadline();
    }

    @Override
    public void run() {
        if (done) {
            return;
        }
        long now = System.nanoTime();
        if (now - due() < 0) {
            schedule(now);
            return;
        }
        fired = true;
        call.abandon();
    }

    boolean fired() {
        return fired;
    }

    TimeoutException failure() {
        return new TimeoutException(limit instanceof BodyLimit.Idle ? "no read within the idle time" : "not finished by the deadline");
    }

    void disarm() {
        done = true;
        Future<?> current = timer;
        if (current != null) {
            current.cancel(false);
        }
    }

    /** How long an answer's body may take: a pause between reads (event streams), or an instant it must end by. */
    sealed interface BodyLimit {
        /** At most {@code idle} between two reads. */
        record Idle(Duration idle) implements BodyLimit {
        }

        /** Read to the end by {@code deadline} ({@link System#nanoTime()}). */
        record Deadline(long deadline) implements BodyLimit {
        }
    }
}
