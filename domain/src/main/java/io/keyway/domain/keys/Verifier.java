package io.keyway.domain.keys;

import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;

/**
 * What is stored in place of a key's secret: HKDF-SHA256 of the secret with a label of its own, bound to the key's
 * kind and id. It proves a presented key without revealing the secret, and since the sealing key is derived under a
 * different label and a random salt, it yields nothing that unseals a provider key. The secret is 256 random bits,
 * so no slow password hash is needed.
 */
public record Verifier(byte[] value) {
    static final int LENGTH = 32;
    private static final String LABEL = "keyway/verifier/v1/";

    public Verifier {
        if (value == null || value.length != LENGTH) {
            throw new IllegalArgumentException("a verifier is 32 bytes");
        }
        value = value.clone();
    }

    static Verifier derive(PresentedKey key) {
        byte[] secret = key.secret();
        try {
            HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new JdkSha256());
            byte[] info = (LABEL + key.kind().prefix() + key.id().value()).getBytes(StandardCharsets.US_ASCII);
            hkdf.init(new HKDFParameters(secret, null, info));
            byte[] out = new byte[LENGTH];
            hkdf.generateBytes(out, 0, LENGTH);
            return new Verifier(out);
        } finally {
            Arrays.fill(secret, (byte) 0);
        }
    }

    @Override
    public byte[] value() {
        return value.clone();
    }

    boolean matches(Verifier other) {
        return MessageDigest.isEqual(value, other.value);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Verifier that && MessageDigest.isEqual(value, that.value);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        return "Verifier[redacted]";
    }
}
