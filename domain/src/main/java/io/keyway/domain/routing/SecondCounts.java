package io.keyway.domain.routing;

/**
 * Two counts kept second by second over a window of {@code seconds}: a slot is reused once its second has left the
 * window. Not thread-safe: {@link DeploymentHealth} uses it under each deployment's lock.
 */
final class SecondCounts {
    private final long[] secondOf;
    private final int[] first;
    private final int[] second;

    SecondCounts(int seconds) {
        secondOf = new long[seconds];
        first = new int[seconds];
        this.second = new int[seconds];
    }

    /** Counts one in the first count for {@code now} (a second), and in the second too when {@code both}. */
    void add(long now, boolean both) {
        int slot = (int) Math.floorMod(now, secondOf.length);
        if (secondOf[slot] != now) {
            secondOf[slot] = now;
            first[slot] = 0;
            second[slot] = 0;
        }
        first[slot]++;
        if (both) {
            second[slot]++;
        }
    }

    long first(long now) {
        return sum(first, now);
    }

    long second(long now) {
        return sum(second, now);
    }

    private long sum(int[] counts, long now) {
        long sum = 0;
        for (int i = 0; i < secondOf.length; i++) {
            if (now - secondOf[i] < secondOf.length) {
                sum += counts[i];
            }
        }
        return sum;
    }
}
