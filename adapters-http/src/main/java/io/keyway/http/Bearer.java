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

    /**
     * The public id a token names, when it is shaped like a Keyway key ({@code kwm-<id>_…} or {@code kw-<id>_…}): for
     * naming the key in the audit trail, never a proof that the key exists or that the token is its secret.
     */
    static String publicKeyId(String token) {
        if (token == null) {
            return null;
        }
        int start = token.startsWith("kwm-") ? 4 : token.startsWith("kw-") ? 3 : -1;
        int end = start + io.keyway.domain.keys.KeyId.LENGTH;
        if (start < 0 || token.length() <= end || token.charAt(end) != '_') {
            return null;
        }
        String id = token.substring(start, end);
        return io.keyway.domain.keys.KeyId.isWellFormed(id) ? id : null;
    }
}
