package io.keyway.http.relay;

import io.keyway.domain.usage.TokenUsage;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Watches an answer's bytes on their way to the client for the upstream's {@code usage}, without holding the answer
 * back and without parsing it: a whole JSON answer is kept up to {@value #WHOLE} bytes and then only its last
 * {@value #TAIL} (OpenAI-style answers end with {@code usage}); an event stream is only searched for the bytes
 * {@code "usage"}, and the events from the chunk before the first hit on are kept (at most {@value #CAPTURE} bytes)
 * to be read once the stream ends. Only then is anything parsed ({@link UsageReading}).
 */
final class UsageTap {
    static final int WHOLE = 64 * 1024;
    static final int TAIL = 16 * 1024;
    static final int CAPTURE = 256 * 1024;
    static final byte[] NEEDLE = "\"usage\"".getBytes(StandardCharsets.US_ASCII);

    private final boolean eventStream;
    private ByteArrayOutputStream kept = new ByteArrayOutputStream();
    private byte[] tail;
    private int tailEnd;
    private boolean tailFull;
    /** The bytes of the event under way before the current chunk: where a usage event begins. */
    private ByteArrayOutputStream recent = new ByteArrayOutputStream();
    /** The stream's last few bytes, so that {@code "usage"} split across chunks is still seen. */
    private final byte[] seam = new byte[NEEDLE.length - 1];
    private int seamLength;
    private boolean capturing;

    UsageTap(boolean eventStream) {
        this.eventStream = eventStream;
    }

    /** Called with each chunk as it is passed on, in order, from one thread at a time. */
    void accept(byte[] chunk) {
        if (eventStream) {
            acceptEvents(chunk);
        } else {
            acceptJson(chunk);
        }
    }

    private void acceptJson(byte[] chunk) {
        if (tail == null) {
            if (kept.size() + chunk.length <= WHOLE) {
                kept.write(chunk, 0, chunk.length);
                return;
            }
            tail = new byte[TAIL];
            byte[] sofar = kept.toByteArray();
            kept = null;
            append(sofar);
        }
        append(chunk);
    }

    private void append(byte[] bytes) {
        int from = Math.max(0, bytes.length - TAIL);
        for (int i = from; i < bytes.length; i++) {
            tail[tailEnd] = bytes[i];
            tailEnd = (tailEnd + 1) % TAIL;
            if (tailEnd == 0) {
                tailFull = true;
            }
        }
    }

    private void acceptEvents(byte[] chunk) {
        boolean hit = indexOf(chunk, 0, chunk.length) >= 0 || completesAcrossTheSeam(chunk);
        if (hit && (!capturing || kept.size() + chunk.length > CAPTURE)) {
            // Start (or restart, when over the bound) with what came just before: the hit's event may begin there.
            kept = new ByteArrayOutputStream();
            kept.write(recent.toByteArray(), 0, recent.size());
            capturing = true;
        }
        if (capturing && kept.size() + chunk.length <= CAPTURE) {
            kept.write(chunk, 0, chunk.length);
        }
        remember(chunk);
    }

    /** Keeps the bytes of the event under way (since the last blank line, at most {@value #CAPTURE}) and the last few bytes. */
    private void remember(byte[] chunk) {
        int start = afterLastBlankLine(chunk);
        if (start >= 0) {
            recent.reset();
            recent.write(chunk, start, chunk.length - start);
        } else if (recent.size() + chunk.length <= CAPTURE) {
            recent.write(chunk, 0, chunk.length);
        } else {
            recent.reset();
        }
        // The last NEEDLE.length - 1 bytes of the stream, kept in place: no allocation per chunk.
        int keep = NEEDLE.length - 1;
        if (chunk.length >= keep) {
            System.arraycopy(chunk, chunk.length - keep, seam, 0, keep);
            seamLength = keep;
        } else {
            int fromSeam = Math.min(seamLength, keep - chunk.length);
            System.arraycopy(seam, seamLength - fromSeam, seam, 0, fromSeam);
            System.arraycopy(chunk, 0, seam, fromSeam, chunk.length);
            seamLength = fromSeam + chunk.length;
        }
    }

    /** Whether the needle begins in the bytes before this chunk and ends in it. */
    private boolean completesAcrossTheSeam(byte[] chunk) {
        for (int before = Math.min(seamLength, NEEDLE.length - 1); before >= 1; before--) {
            int after = NEEDLE.length - before;
            if (after > chunk.length) {
                continue;
            }
            boolean match = true;
            for (int j = 0; j < before && match; j++) {
                match = seam[seamLength - before + j] == NEEDLE[j];
            }
            for (int j = 0; j < after && match; j++) {
                match = chunk[j] == NEEDLE[before + j];
            }
            if (match) {
                return true;
            }
        }
        return false;
    }

    /** Where the last event of this chunk begins (after {@code \n\n} or {@code \n\r\n}), or -1 if none ends in it. */
    private int afterLastBlankLine(byte[] chunk) {
        for (int i = chunk.length - 1; i >= 0; i--) {
            if (chunk[i] != '\n') {
                continue;
            }
            int j = i - 1;
            byte before = byteAt(chunk, j);
            if (before == '\r') {
                before = byteAt(chunk, j - 1);
            }
            if (before == '\n') {
                return i + 1;
            }
        }
        return -1;
    }

    /** The chunk's byte at {@code index}, or, for -1, -2…, the stream's bytes just before the chunk (0 if none). */
    private byte byteAt(byte[] chunk, int index) {
        if (index >= 0) {
            return chunk[index];
        }
        int fromEnd = -index;
        return fromEnd <= seamLength ? seam[seamLength - fromEnd] : 0;
    }


    /** The usage the answer reported, or {@link TokenUsage#NONE}. Call once the answer has ended (or stopped). */
    TokenUsage usage() {
        try {
            if (eventStream) {
                return capturing ? UsageReading.fromEvents(kept.toByteArray()) : TokenUsage.NONE;
            }
            byte[] seen = tail == null ? kept.toByteArray() : tailBytes();
            return UsageReading.fromJson(seen);
        } catch (java.io.IOException | RuntimeException unreadable) {
            return TokenUsage.NONE;
        }
    }

    private byte[] tailBytes() {
        if (!tailFull) {
            byte[] bytes = new byte[tailEnd];
            System.arraycopy(tail, 0, bytes, 0, tailEnd);
            return bytes;
        }
        byte[] bytes = new byte[TAIL];
        System.arraycopy(tail, tailEnd, bytes, 0, TAIL - tailEnd);
        System.arraycopy(tail, 0, bytes, TAIL - tailEnd, tailEnd);
        return bytes;
    }

    /** Horspool's shift for each byte value: how far the window may move when it ends on that byte. */
    private static final int[] SHIFT = new int[256];

    static {
        java.util.Arrays.fill(SHIFT, NEEDLE.length);
        for (int k = 0; k < NEEDLE.length - 1; k++) {
            SHIFT[NEEDLE[k] & 0xff] = NEEDLE.length - 1 - k;
        }
    }

    /**
     * The first {@code "usage"} in {@code bytes[from, to)}, or -1: Boyer-Moore-Horspool, most bytes never looked at.
     * {@link UsageReading} finds the events that carry usage with it too.
     */
    static int indexOf(byte[] bytes, int from, int to) {
        int last = NEEDLE.length - 1;
        for (int i = from; i <= to - NEEDLE.length; i += SHIFT[bytes[i + last] & 0xff]) {
            int j = last;
            while (j >= 0 && bytes[i + j] == NEEDLE[j]) {
                j--;
            }
            if (j < 0) {
                return i;
            }
        }
        return -1;
    }
}
