package io.keyway.domain.keys;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** The public part of a key: safe to store, log and show. */
public record KeyId(String value) {
    public static final int LENGTH = 16;
    private static final Pattern SHAPE = Pattern.compile("[0-9a-f]{" + LENGTH + "}");

    public KeyId {
        if (!isWellFormed(value)) {
            throw new IllegalArgumentException("a key id is 16 lowercase hex digits");
        }
    }

    public static boolean isWellFormed(String value) {
        return value != null && SHAPE.matcher(value).matches();
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
