package io.keyway.domain.keys;

import org.bouncycastle.crypto.ExtendedDigest;
import org.bouncycastle.util.Memoable;

import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The JDK's SHA-256 seen as a Bouncy Castle digest, so that Bouncy Castle's HMAC and HKDF run on it. Not a hash of our
 * own: it only adapts {@link MessageDigest}, whose compression function the JVM replaces with the processor's SHA
 * instructions. Bouncy Castle's {@code SHA256Digest} is plain Java; key verification and unsealing spent most of
 * their time in it (see BENCHMARKS.md). {@link Memoable} lets {@code HMac} keep its padded-key states instead of
 * hashing them again for every block.
 */
final class JdkSha256 implements ExtendedDigest, Memoable {
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

    private MessageDigest sha;

    JdkSha256() {
        this.sha = cloneOf(FRESH);
    }

    private JdkSha256(MessageDigest sha) {
        this.sha = sha;
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

    @Override
    public Memoable copy() {
        return new JdkSha256(cloneOf(sha));
    }

    @Override
    public void reset(Memoable other) {
        sha = cloneOf(((JdkSha256) other).sha);
    }

    private static MessageDigest cloneOf(MessageDigest digest) {
        try {
            return (MessageDigest) digest.clone();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("the JDK's SHA-256 cannot be copied", e);
        }
    }
}
