package io.keyway.http.relay;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

class HttpDateTest {
    @Test
    void readsAsMicronautWritesItForTheSameSecond() {
        long millis = Instant.parse("2026-12-05T03:04:05.678Z").toEpochMilli();
        // What Micronaut's NettyHttpHeaders.date writes: RFC 1123 in GMT.
        String micronauts = ZonedDateTime.ofInstant(Instant.ofEpochMilli(millis), ZoneId.systemDefault())
                .withZoneSameInstant(ZoneId.of("GMT")).format(DateTimeFormatter.RFC_1123_DATE_TIME);
        assertEquals("Sat, 5 Dec 2026 03:04:05 GMT", HttpDate.at(millis));
        assertEquals(micronauts, HttpDate.at(millis));
    }

    @Test
    void followsTheClockSecondBySecond() {
        long millis = Instant.parse("2026-12-05T23:59:59.999Z").toEpochMilli();
        assertEquals("Sat, 5 Dec 2026 23:59:59 GMT", HttpDate.at(millis));
        assertEquals("Sun, 6 Dec 2026 00:00:00 GMT", HttpDate.at(millis + 1));
        assertNotEquals(HttpDate.at(millis), HttpDate.at(millis + 1000));
        assertEquals("Thu, 1 Jan 1970 00:00:00 GMT", HttpDate.at(0));
        assertEquals("Wed, 31 Dec 1969 23:59:59 GMT", HttpDate.at(-1));
    }
}
