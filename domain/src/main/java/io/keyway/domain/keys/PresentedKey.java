package io.keyway.domain.keys;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.zip.CRC32;

/**
 * A key as its holder presents it: {@code <prefix><key id>_<secret><checksum>}, where the secret is 256 random
 * bits in unpadded base64url and the checksum is the CRC-32 of everything before it, in hex. The checksum lets a
 * mistyped or truncated key be refused before any lookup. The secret never leaves this object except to derive
 * keys from it; {@link #toString()} shows only the kind and id.
 */
public final class PresentedKey {
    static final int SECRET_BYTES = 32;
    private static final int SECRET_CHARS = 43;
    private static final int CHECKSUM_CHARS = 8;
    private static final int BODY_CHARS = KeyId.LENGTH + 1 + SECRET_CHARS + CHECKSUM_CHARS;

    private final KeyKind kind;
    private final KeyId id;
    private final byte[] secret;

    PresentedKey(KeyKind kind, KeyId id, byte[] secret) {
        if (secret.length != SECRET_BYTES) {
            throw new IllegalArgumentException("a key secret is 32 bytes");
        }
        this.kind = kind;
        this.id = id;
        this.secret = secret.clone();
    }

    /** Parses a presented key; empty when it is not a well-formed key of any kind (wrong shape or checksum). */
    public static Optional<PresentedKey> parse(String token) {
        if (token == null) {
            return Optional.empty();
        }
        KeyKind kind = kindOf(token);
        if (kind == null) {
            return Optional.empty();
        }
        String body = token.substring(kind.prefix().length());
        if (body.length() != BODY_CHARS || body.charAt(KeyId.LENGTH) != '_') {
            return Optional.empty();
        }
        String id = body.substring(0, KeyId.LENGTH);
        String secretText = body.substring(KeyId.LENGTH + 1, KeyId.LENGTH + 1 + SECRET_CHARS);
        String checksum = body.substring(BODY_CHARS - CHECKSUM_CHARS);
        if (!KeyId.isWellFormed(id) || !checksum.equals(checksumOf(token.substring(0, token.length() - CHECKSUM_CHARS)))) {
            return Optional.empty();
        }
        byte[] secret;
        try {
            secret = Base64.getUrlDecoder().decode(secretText);
        } catch (IllegalArgumentException notBase64) {
            return Optional.empty();
        }
        if (secret.length != SECRET_BYTES || !Base64.getUrlEncoder().withoutPadding().encodeToString(secret).equals(secretText)) {
            return Optional.empty();
        }
        return Optional.of(new PresentedKey(kind, new KeyId(id), secret));
    }

    private static KeyKind kindOf(String token) {
        for (KeyKind kind : KeyKind.values()) {
            if (token.startsWith(kind.prefix())) {
                return kind;
            }
        }
        return null;
    }

    private static String checksumOf(String text) {
        CRC32 crc = new CRC32();
        crc.update(text.getBytes(StandardCharsets.US_ASCII));
        // Eight lowercase hex digits; HexFormat rather than String.format, which showed in profiles of the hot path.
        return HexFormat.of().toHexDigits((int) crc.getValue());
    }

    /** The key as text, to be shown once to the holder at creation. */
    public String token() {
        String withoutChecksum = kind.prefix() + id.value() + "_" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        return withoutChecksum + checksumOf(withoutChecksum);
    }

    public KeyKind kind() {
        return kind;
    }

    public KeyId id() {
        return id;
    }

    /** The secret bytes, for key derivation only. */
    byte[] secret() {
        return secret.clone();
    }

    /** The verifier to store for this key. */
    public Verifier verifier() {
        return Verifier.derive(this);
    }

    /** Whether this key is the one a stored verifier was made from, compared in constant time. */
    public boolean matches(Verifier stored) {
        return stored.matches(verifier());
    }

    /** Forgets the secret. */
    public void destroy() {
        Arrays.fill(secret, (byte) 0);
    }

    @Override
    public String toString() {
        return "PresentedKey[" + kind + " " + id + "]";
    }
}
