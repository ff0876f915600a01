package io.keyway.domain.testkit;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Waiting in tests without fixed sleeps: {@code Await.until(condition, within, what)} polls the condition and fails,
 * saying what did not happen and after how long, unless it holds within the limit. The limit is measured from the
 * call, so call it right after the action whose effect is awaited.
 */
public final class Await {
    private Await() {
    }

    /** Returns how long the condition took to hold; fails when it did not hold within {@code within}. */
    public static Duration until(BooleanSupplier condition, Duration within, String what) {
        long started = System.nanoTime();
        long deadline = started + within.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() >= deadline) {
                throw new AssertionError(what + ": not within " + within.toMillis() + " ms");
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting: " + what, e);
            }
        }
        return Duration.ofNanos(System.nanoTime() - started);
    }

    /** Asks for a value until one satisfies {@code wanted}, and returns it; fails when none did within {@code within}. */
    public static <T> T value(Supplier<T> ask, Predicate<T> wanted, Duration within, String what) {
        AtomicReference<T> last = new AtomicReference<>();
        try {
            until(() -> {
                last.set(ask.get());
                return wanted.test(last.get());
            }, within, what);
        } catch (AssertionError notInTime) {
            throw new AssertionError(notInTime.getMessage() + "; the last value was " + last.get(), notInTime);
        }
        return last.get();
    }
}
