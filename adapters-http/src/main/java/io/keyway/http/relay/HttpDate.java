package io.keyway.http.relay;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

/**
 * The {@code Date} header of a relayed answer, formatted once a second rather than once an answer. Micronaut formats
 * it for every response that has none (1.3% of the event loop's samples in a profile of streamed requests); it
 * leaves one that is set alone. Same clock and format as Micronaut's ({@code RFC_1123_DATE_TIME} in GMT), so a
 * relayed answer's {@code Date} reads like every other response's.
 */
final class HttpDate {
    private static final ZoneId GMT = ZoneId.of("GMT");

    /** One second's value; replaced whole, so a reader sees a matching pair. */
    private record Stamp(long second, String text) {
    }

    private static volatile Stamp last = new Stamp(Long.MIN_VALUE, "");

    private HttpDate() {
    }

    static String now() {
        return at(System.currentTimeMillis());
    }

    static String at(long epochMillis) {
        long second = Math.floorDiv(epochMillis, 1000);
        Stamp stamp = last;
        if (stamp.second() != second) {
            stamp = new Stamp(second, DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.ofInstant(Instant.ofEpochSecond(second), GMT)));
            last = stamp;
        }
        return stamp.text();
    }
}
