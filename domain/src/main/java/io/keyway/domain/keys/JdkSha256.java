package io.keyway.domain.keys;

import org.bouncycastle.crypto.ExtendedDigest;

import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The JDK's SHA-256 seen as a Bouncy Castle digest, so that Bouncy Castle's HMAC and HKDF run on it. Not a hash of our
 * own: it only adapts {@link MessageDigest}, whose compression function the JVM replaces with the processor's SHA
 * instructions. Bouncy Castle's {@code SHA256Digest} is plain Java; key verification and unsealing spent most of
 * their time in it (see BENCHMARKS.md).
 * <p>
 * It is deliberately not {@code Memoable}. With a memoable digest, {@code HMac} keeps copies of its padded-key states:
 * four copies of the JDK's digest per MAC (two at {@code init}, two at {@code doFinal}), each a new digest with its
 * arrays, about 250 bytes. Every MAC here is made once (HKDF's extract, then one block of expand, twice per request),
 * so the copies saved nothing: 16 a request, 4 KB of the 41 KB a streamed request allocated (BENCHMARKS.md, seventh
 * session). Without them {@code HMac} hashes the padded key block again instead: one SHA-256 block more per MAC, and
 * the same time per key check in {@code KeyCheckBenchmark}.
 */
final class JdkSha256 implements ExtendedDigest {
    private static final int BLOCK_BYTES = 64;
    private static final int DIGEST_BYTES = 32;

    /**
     * A digest that is never updated, only copied: a copy is a fresh SHA-256 without the provider lookup of
     * {@link MessageDigest#getInstance} (1% of the event loop's samples in a profile of streamed requests, where each
     * request derives twice). It holds no input, so sharing it between threads shares nothing secret; copying only
     * reads it.
     */
    private static final MessageDigest FRESH;

    static {
        try {
            FRESH = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is unavailable in this JDK", e);
        }
    }

    private final MessageDigest sha;

    JdkSha256() {
        this.sha = cloneOf(FRESH);
    }

    @Override
    public String getAlgorithmName() {
        return "SHA-256";
    }

    @Override
    public int getDigestSize() {
        return DIGEST_BYTES;
    }

    @Override
    public int getByteLength() {
        return BLOCK_BYTES;
    }

    @Override
    public void update(byte in) {
        sha.update(in);
    }

    @Override
    public void update(byte[] in, int offset, int length) {
        sha.update(in, offset, length);
    }

    @Override
    public int doFinal(byte[] out, int offset) {
        try {
            return sha.digest(out, offset, DIGEST_BYTES);
        } catch (DigestException e) {
            throw new IllegalArgumentException("no room for a SHA-256 digest", e);
        }
    }

    @Override
    public void reset() {
        sha.reset();
    }

    private static MessageDigest cloneOf(MessageDigest digest) {
        try {
            return (MessageDigest) digest.clone();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("the JDK's SHA-256 cannot be copied", e);
        }
    }
}
