package io.keyway.openai;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * One upstream's meters: how long it takes to answer (to its status line), how often a try is retried, how often a
 * call times out and at which limit. Tagged by the upstream's configured name only, so their number is bounded by the
 * configuration.
 */
final class UpstreamMeters {
    private final MeterRegistry registry;
    private final String upstream;
    private final Counter retries;
    /** By status class (1xx…5xx); a race builds the same timer twice, which the registry answers with one. */
    private final Timer[] latency = new Timer[6];

    UpstreamMeters(MeterRegistry registry, String upstream) {
        this.registry = registry;
        this.upstream = upstream;
        this.retries = Counter.builder("keyway.upstream.retries").description("Tries sent again after a refused or reset connection or a 502/503")
                .tag("upstream", upstream).register(registry);
    }

    void answered(int status, long nanos) {
        int statusClass = Math.max(1, Math.min(5, status / 100));
        Timer timer = latency[statusClass];
        if (timer == null) {
            timer = Timer.builder("keyway.upstream.latency").description("Time until the upstream's status line, per try that got one")
                    .tag("upstream", upstream).tag("status", statusClass + "xx").publishPercentileHistogram().register(registry);
            latency[statusClass] = timer;
        }
        timer.record(nanos, TimeUnit.NANOSECONDS);
    }

    void retried() {
        retries.increment();
    }

    /** @param limit {@code first_byte}, {@code idle} or {@code total} */
    void timedOut(String limit) {
        Counter.builder("keyway.upstream.timeouts").description("Calls given up at a time limit")
                .tag("upstream", upstream).tag("limit", limit.toLowerCase(Locale.ROOT)).register(registry).increment();
    }
}
