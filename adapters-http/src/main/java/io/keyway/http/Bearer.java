package io.keyway.http;

/** Reads the token from an {@code Authorization: Bearer <token>} header. */
final class Bearer {
    private Bearer() {
    }

    /** The token, or null when the header is absent or not a bearer credential. */
    static String token(String authorization) {
        if (authorization == null) {
            return null;
        }
        String value = authorization.strip();
        if (value.length() > 7 && value.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return value.substring(7).strip();
        }
        return null;
    }
}
