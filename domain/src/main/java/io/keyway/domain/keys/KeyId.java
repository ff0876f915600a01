package io.keyway.domain.keys;

import java.security.SecureRandom;
import java.util.HexFormat;

/** The public part of a key: safe to store, log and show. */
public record KeyId(String value) {
    public static final int LENGTH = 16;

    public KeyId {
        if (!isWellFormed(value)) {
            throw new IllegalArgumentException("a key id is 16 lowercase hex digits");
        }
    }

    /** 16 lowercase hex digits. Checked on every request's key (twice), so by hand rather than with a regex matcher. */
    public static boolean isWellFormed(String value) {
        if (value == null || value.length() != LENGTH) {
            return false;
        }
        for (int i = 0; i < LENGTH; i++) {
            char c = value.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return false;
            }
        }
        return true;
    }

    static KeyId random(SecureRandom random) {
        byte[] bytes = new byte[LENGTH / 2];
        random.nextBytes(bytes);
        return new KeyId(HexFormat.of().formatHex(bytes));
    }

    @Override
    public String toString() {
        return value;
    }
}
