package io.keyway.domain.keys;

import java.security.SecureRandom;

/** Makes new keys: a random public id and 256 bits of secret from {@link SecureRandom}. */
public final class KeyMint {
    private final SecureRandom random;

    public KeyMint(SecureRandom random) {
        this.random = random;
    }

    public KeyMint() {
        this(new SecureRandom());
    }

    /** A new secret for an existing key id: what a rotation hands out. */
    public PresentedKey remint(KeyKind kind, KeyId id) {
        byte[] secret = new byte[PresentedKey.SECRET_BYTES];
        random.nextBytes(secret);
        try {
            return new PresentedKey(kind, id, secret);
        } finally {
            java.util.Arrays.fill(secret, (byte) 0);
        }
    }

    public PresentedKey mint(KeyKind kind) {
        byte[] secret = new byte[PresentedKey.SECRET_BYTES];
        random.nextBytes(secret);
        return new PresentedKey(kind, KeyId.random(random), secret);
    }
}
