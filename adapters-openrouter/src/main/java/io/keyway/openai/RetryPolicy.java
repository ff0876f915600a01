package io.keyway.openai;

import java.util.concurrent.ThreadLocalRandom;

/**
 * When a try that reached no client is tried again, and after how long. Only what cannot have started generating is
 * retried: a refused or reset connection, or a 502/503 status; never a timeout or any other status.
 */
final class RetryPolicy {
    private final UpstreamSettings.Retries retries;

    RetryPolicy(UpstreamSettings.Retries retries) {
        this.retries = retries;
    }

    /** Whether another try may follow try number {@code attempt} (counted from 0). */
    boolean allowsAnotherAfter(int attempt) {
        return attempt < retries.maxRetries();
    }

    /** Whether an answer with this status is tried again (when another try is allowed). */
    static boolean retriesStatus(int status) {
        return status == 502 || status == 503;
    }

    /** The wait before the try after {@code attempt}: doubling from the first backoff up to the ceiling, jittered down to half. */
    long backoffMillis(int attempt) {
        long ceiling = Math.min(retries.maxBackoff().toMillis(), retries.backoff().toMillis() << Math.min(attempt, 20));
        return ceiling / 2 + ThreadLocalRandom.current().nextLong(ceiling / 2 + 1);
    }
}
