package io.keyway.http.relay;

import io.keyway.domain.usage.TokenUsage;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Usage read from answers as they pass, in any chunking, without parsing what is not usage. */
class UsageTapTest {
    private static TokenUsage tapped(boolean stream, String body, int chunk) {
        UsageTap tap = new UsageTap(stream);
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        for (int at = 0; at < bytes.length; at += chunk) {
            byte[] piece = new byte[Math.min(chunk, bytes.length - at)];
            System.arraycopy(bytes, at, piece, 0, piece.length);
            tap.accept(piece);
        }
        return tap.usage();
    }

    @Test
    void aJsonAnswersUsageWhateverTheChunksAndHoweverLong() {
        String answer = "{\"choices\":[{\"message\":{\"content\":\"a \\\"usage\\\": {\\\"prompt_tokens\\\": 99} quoted\"}}],"
                + "\"filler\":\"" + "x".repeat(100_000) + "\",\"usage\":{\"prompt_tokens\":11,\"completion_tokens\":7,\"total_tokens\":18,"
                + "\"prompt_tokens_details\":{\"cached_tokens\":3},\"completion_tokens_details\":{\"reasoning_tokens\":2},\"cost\":0.000123}}";
        TokenUsage expected = new TokenUsage(11L, 7L, 18L, 3L, 2L, new BigDecimal("0.000123"));
        for (int chunk : new int[]{1, 7, 4096, 1_000_000}) {
            assertEquals(expected, tapped(false, answer, chunk), "chunks of " + chunk);
        }
        assertEquals(expected, tapped(false, answer.substring(0, 50) + answer.substring(100_050), 3), "a short answer kept whole");
    }

    @Test
    void aStreamsLastUsageEventAndTheResponsesApisNestedOne() {
        String chat = "data: {\"choices\":[{\"delta\":{\"content\":\"usage\"}}]}\n\n"
                + "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":9,\"total_tokens\":14,\"cost\":1E-7}}\n\n"
                + "data: [DONE]\n\n";
        String responses = "event: response.created\r\ndata: {\"type\":\"response.created\",\"response\":{\"usage\":null}}\r\n\r\n"
                + "event: response.completed\r\ndata: {\"type\":\"response.completed\",\"response\":{\"output\":\"" + "long answer ".repeat(5_000)
                + "\",\"usage\":{\"input_tokens\":20,"
                + "\"output_tokens\":30,\"total_tokens\":50,\"input_tokens_details\":{\"cached_tokens\":4}}}}\r\n\r\n";
        for (int chunk : new int[]{1, 5, 64, 100_000}) {
            assertEquals(new TokenUsage(5L, 9L, 14L, null, null, new BigDecimal("1E-7")), tapped(true, chat, chunk), "chunks of " + chunk);
            assertEquals(new TokenUsage(20L, 30L, 50L, 4L, null, null), tapped(true, responses, chunk), "chunks of " + chunk);
        }
    }

    @Test
    void anEventsDataOverSeveralLinesAndWithoutTheSpace() {
        String split = "data: {\"choices\":[],\n"
                + "data:\"usage\":{\"prompt_tokens\":3,\r\n"
                + "data:  \"completion_tokens\":4,\"total_tokens\":7}}\r\n\r\n"
                + "data: [DONE]\n\n";
        String ownNullNested = "event: response.completed\ndata:{\"usage\":null,\"response\":{\"id\":\"r\",\"output\":[{\"usage\":1}],"
                + "\"usage\":{\"input_tokens\":1,\"output_tokens\":2,\"total_tokens\":3}}}\n\n";
        String quotedOnlyAfterTheReal = "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":8,\"completion_tokens\":1,\"total_tokens\":9}}\n\n"
                + "data: {\"choices\":[{\"delta\":{\"content\":\"say \\\"usage\\\"\"}}]}\n\n";
        for (int chunk : new int[]{1, 3, 100_000}) {
            assertEquals(new TokenUsage(3L, 4L, 7L, null, null, null), tapped(true, split, chunk), "chunks of " + chunk);
            assertEquals(new TokenUsage(1L, 2L, 3L, null, null, null), tapped(true, ownNullNested, chunk), "chunks of " + chunk);
            assertEquals(new TokenUsage(8L, 1L, 9L, null, null, null), tapped(true, quotedOnlyAfterTheReal, chunk), "chunks of " + chunk);
        }
    }

    @Test
    void noUsageIsNoUsage() {
        assertEquals(TokenUsage.NONE, tapped(false, "{\"data\":[]}", 4));
        assertEquals(TokenUsage.NONE, tapped(true, "data: {\"x\":1}\n\ndata: [DONE]\n\n", 4));
        assertEquals(TokenUsage.NONE, tapped(false, "{\"usage\":{\"prompt_tokens\":", 4));
    }
}
