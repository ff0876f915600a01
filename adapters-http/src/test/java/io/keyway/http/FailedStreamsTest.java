package io.keyway.http;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the relay (io.keyway.http.relay.Answers) relies on when it ends a cut stream by failing its body: the server writes every event emitted
 * before the failure, then breaks the transfer without the closing chunk. The pause it keeps before the failure
 * (Answers.PAUSE_BEFORE_THE_CUT) is therefore for clients, not for the framework.
 */
class FailedStreamsTest {
    @Test
    void aFailedEventStreamDeliversItsLastEventThenBreaksTheTransfer() {
        try (FrameworkProbe probe = new FrameworkProbe()) {
            for (int i = 0; i < 10; i++) {
                String read = probe.readAll("/canary/cut");

                assertTrue(read.contains("data: {\"error\":\"last words\"}"), "the event written just before the failure was lost: " + read);
                assertFalse(read.contains("\r\n0\r\n\r\n"), "a failed stream was ended like a finished one: " + read);
            }
        }
    }
}
