package io.keyway.openai;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Some upstreams quote the key they were sent ("Invalid API key sk-or-…"), in an error, a header, a stream's error
 * event or even an answer. Every answer's bytes, of any status, whole or streamed, pass a {@link Redactor} that
 * replaces each occurrence of the key Keyway sent, as it is or JSON-escaped ({@code \u002d}, {@code \/}), with
 * {@code [REDACTED]} padded to the same length (so a declared {@code Content-Length} stays true) before they go anywhere, so that the operator's key never reaches a caller and a caller's key never reaches a log or another
 * copy. A stream is not held back for it: only the last bytes of a read that could begin the key wait for the next
 * read (an event ends with a blank line, which cannot).
 */
final class CredentialEchoes {
    static final String REPLACEMENT = "[REDACTED]";
    private static final byte[] REPLACEMENT_BYTES = REPLACEMENT.getBytes(StandardCharsets.UTF_8);

    private CredentialEchoes() {
    }

    /** Whether {@code text} (a header value) carries {@code credential}, as it is or JSON-escaped. */
    static boolean echoes(String text, String credential) {
        // An echo, as it is or escaped (each escape is longer than the character it stands for), is at least as long
        // as the key: shorter values, nearly every header of an answer, need no search.
        if (credential.isEmpty() || text.length() < credential.length()) {
            return false;
        }
        Redactor redactor = new Redactor(credential);
        redactor.next(text.getBytes(StandardCharsets.UTF_8), true);
        return redactor.found;
    }

    /** Replaces a credential in a sequence of reads, keeping back a read's tail that could begin it. */
    static final class Redactor {
        private static final int NO = -1;
        private static final int UNDECIDED = -2;
        private final byte[] needle;
        private byte[] carry = new byte[0];
        boolean found;

        Redactor(String credential) {
            this.needle = credential.getBytes(StandardCharsets.UTF_8);
        }

        /** The next read, with echoes replaced; unless {@code last}, a tail that may begin one is kept for later. */
        byte[] next(byte[] read, boolean last) {
            byte[] data = read;
            if (carry.length > 0) {
                data = new byte[carry.length + read.length];
                System.arraycopy(carry, 0, data, 0, carry.length);
                System.arraycopy(read, 0, data, carry.length, read.length);
                carry = new byte[0];
            }
            byte first = needle[0];
            ByteArrayOutputStream out = null;
            int copiedUpTo = 0;
            for (int i = 0; i < data.length; i++) {
                byte b = data[i];
                if (b != first && b != '\\') {
                    continue;
                }
                int end = matchAt(data, i);
                if (end == UNDECIDED && !last) {
                    // Could be the start of the key: kept for the next read.
                    carry = java.util.Arrays.copyOfRange(data, i, data.length);
                    return piece(out, data, copiedUpTo, i);
                }
                if (end >= 0) {
                    found = true;
                    if (out == null) {
                        out = new ByteArrayOutputStream(data.length);
                    }
                    out.write(data, copiedUpTo, i - copiedUpTo);
                    writeReplacement(out, end - i);
                    copiedUpTo = end;
                    i = end - 1;
                }
            }
            return piece(out, data, copiedUpTo, data.length);
        }

        /**
         * {@value #REPLACEMENT} padded with {@code *} to the echo's own length (or cut to it): a body keeps the length
         * its upstream declared, so it is still passed on with that {@code Content-Length}.
         */
        private static void writeReplacement(ByteArrayOutputStream out, int length) {
            out.write(REPLACEMENT_BYTES, 0, Math.min(length, REPLACEMENT_BYTES.length));
            for (int k = REPLACEMENT_BYTES.length; k < length; k++) {
                out.write('*');
            }
        }

        /** What was kept back, at the end of the body. */
        byte[] rest() {
            byte[] rest = carry;
            carry = new byte[0];
            return rest;
        }

        private static byte[] piece(ByteArrayOutputStream out, byte[] data, int from, int to) {
            if (out == null) {
                return from == 0 && to == data.length ? data : java.util.Arrays.copyOfRange(data, from, to);
            }
            out.write(data, from, to - from);
            return out.toByteArray();
        }

        /** Where an echo starting at {@code start} ends, {@link #NO}, or {@link #UNDECIDED} when the data ends first. */
        private int matchAt(byte[] data, int start) {
            int i = start;
            for (int j = 0; j < needle.length; j++) {
                if (i >= data.length) {
                    return UNDECIDED;
                }
                byte wanted = needle[j];
                if (data[i] == wanted) {
                    i++;
                    continue;
                }
                if (data[i] != '\\') {
                    return NO;
                }
                if (i + 1 >= data.length) {
                    return UNDECIDED;
                }
                if (data[i + 1] == '/' && wanted == '/') {
                    i += 2;
                    continue;
                }
                if (data[i + 1] != 'u') {
                    return NO;
                }
                if (i + 6 > data.length) {
                    return UNDECIDED;
                }
                int value = hex4(data, i + 2);
                if (value != (wanted & 0xff) || wanted < 0) {
                    return NO;
                }
                i += 6;
            }
            return i;
        }

        private static int hex4(byte[] data, int at) {
            int value = 0;
            for (int k = 0; k < 4; k++) {
                int digit = Character.digit(data[at + k], 16);
                if (digit < 0) {
                    return -1;
                }
                value = value * 16 + digit;
            }
            return value;
        }
    }
}
