package io.keyway.openai;

import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;

import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The timers of upstream calls (first byte, idle, total). A timer set on one of the gateway's event loops runs on that
 * same loop: adding and cancelling it touch only that loop's own queue, with no lock and no other thread woken.
 * Reactor's {@code timeout} operators, used before, put every timer (one per streamed chunk for the idle timeout) on
 * Reactor's parallel scheduler, a shared locked queue with a thread of its own, and built a description string for
 * every operator: together about 5% of issue #7's profiles, and a futex wake on the gateway's one core.
 *
 * <p>Off the event loops (tests that build an upstream without an application), timers run on one shared daemon
 * thread.
 */
final class UpstreamTimers {
    private static final ScheduledExecutorService FALLBACK = fallback();

    private final EventLoopGroup loops;

    /** @param loops the gateway's event loops, or null when there are none */
    UpstreamTimers(EventLoopGroup loops) {
        this.loops = loops;
    }

    /** Runs {@code task} after {@code nanos}, on the calling thread's event loop when it is one of the gateway's. */
    Future<?> schedule(Runnable task, long nanos) {
        return here().schedule(task, Math.max(0, nanos), TimeUnit.NANOSECONDS);
    }

    private ScheduledExecutorService here() {
        if (loops != null) {
            for (EventExecutor loop : loops) {
                if (loop.inEventLoop()) {
                    return loop;
                }
            }
        }
        return FALLBACK;
    }

    private static ScheduledExecutorService fallback() {
        ScheduledThreadPoolExecutor timers = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "keyway-upstream-timers");
            thread.setDaemon(true);
            return thread;
        });
        timers.setRemoveOnCancelPolicy(true);
        return timers;
    }
}
