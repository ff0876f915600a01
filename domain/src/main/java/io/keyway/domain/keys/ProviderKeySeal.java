package io.keyway.domain.keys;

import io.keyway.domain.model.ProviderId;
import io.keyway.domain.model.ProviderKey;
import io.keyway.domain.model.SealedSecret;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Provider;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Optional;

/**
 * Seals a provider key under the gateway key that carries it, so that only a request presenting that gateway key
 * can read it.
 *
 * <p>Format v1: {@code version(1) || salt(16) || nonce(12) || AES-256-GCM ciphertext || tag(16)}. The AES key is
 * HKDF-SHA256 (Bouncy Castle's, on the JDK's SHA-256: {@link JdkSha256}) of the gateway key's secret with the random salt and its own label. The associated
 * data binds the version, the salt, the gateway key id and the provider, so a sealed key moved to another key or
 * provider row fails to open. GCM is the JDK's, which uses the processor's AES instructions.
 */
public final class ProviderKeySeal {
    static final byte VERSION_1 = 1;
    private static final int SALT_BYTES = 16;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final int HEADER_BYTES = 1 + SALT_BYTES + NONCE_BYTES;
    private static final byte[] KEY_LABEL = "keyway/provider-key/v1".getBytes(StandardCharsets.US_ASCII);
    private static final String AES_GCM = "AES/GCM/NoPadding";
    /** The JDK provider that does AES-GCM, found once: looking it up for every unsealing cost more than the decryption. */
    private static final Provider GCM_PROVIDER = gcmProvider();

    private final SecureRandom random;

    public ProviderKeySeal(SecureRandom random) {
        this.random = random;
    }

    public ProviderKeySeal() {
        this(new SecureRandom());
    }

    public SealedSecret seal(PresentedKey gatewayKey, ProviderId provider, ProviderKey providerKey) {
        requireGateway(gatewayKey);
        byte[] salt = new byte[SALT_BYTES];
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(salt);
        random.nextBytes(nonce);
        byte[] plaintext = providerKey.reveal().getBytes(StandardCharsets.UTF_8);
        byte[] aesKey = deriveKey(gatewayKey, salt);
        try {
            Cipher cipher = Cipher.getInstance(AES_GCM, GCM_PROVIDER);
            cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(aesKey, "AES"), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(associatedData(VERSION_1, salt, gatewayKey, provider));
            byte[] ciphertext = cipher.doFinal(plaintext);
            return new SealedSecret(ByteBuffer.allocate(HEADER_BYTES + ciphertext.length)
                    .put(VERSION_1).put(salt).put(nonce).put(ciphertext).array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is unavailable in this JDK", e);
        } finally {
            Arrays.fill(aesKey, (byte) 0);
            Arrays.fill(plaintext, (byte) 0);
        }
    }

    /**
     * Opens a sealed provider key with the gateway key that sealed it. Empty (fails closed) for a wrong key, a
     * tampered blob, other associated data or an unknown format version.
     */
    public Optional<ProviderKey> unseal(PresentedKey gatewayKey, ProviderId provider, SealedSecret sealed) {
        requireGateway(gatewayKey);
        byte[] blob = sealed.blob();
        if (blob.length < HEADER_BYTES + TAG_BITS / 8 || blob[0] != VERSION_1) {
            return Optional.empty();
        }
        byte[] salt = Arrays.copyOfRange(blob, 1, 1 + SALT_BYTES);
        byte[] aesKey = deriveKey(gatewayKey, salt);
        byte[] plaintext = null;
        try {
            Cipher cipher = Cipher.getInstance(AES_GCM, GCM_PROVIDER);
            cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(aesKey, "AES"),
                    new GCMParameterSpec(TAG_BITS, blob, 1 + SALT_BYTES, NONCE_BYTES));
            cipher.updateAAD(associatedData(blob[0], salt, gatewayKey, provider));
            plaintext = cipher.doFinal(blob, HEADER_BYTES, blob.length - HEADER_BYTES);
            String text = new String(plaintext, StandardCharsets.UTF_8);
            return ProviderKey.isWellFormed(text) ? Optional.of(ProviderKey.of(text)) : Optional.empty();
        } catch (AEADBadTagException wrongKeyOrTampered) {
            return Optional.empty();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is unavailable in this JDK", e);
        } finally {
            Arrays.fill(aesKey, (byte) 0);
            if (plaintext != null) {
                Arrays.fill(plaintext, (byte) 0);
            }
        }
    }

    private static Provider gcmProvider() {
        try {
            return Cipher.getInstance(AES_GCM).getProvider();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is unavailable in this JDK", e);
        }
    }

    private static void requireGateway(PresentedKey key) {
        if (key.kind() != KeyKind.GATEWAY) {
            throw new IllegalArgumentException("only a gateway key seals provider keys");
        }
    }

    private static byte[] deriveKey(PresentedKey gatewayKey, byte[] salt) {
        byte[] secret = gatewayKey.secret();
        try {
            HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new JdkSha256());
            hkdf.init(new HKDFParameters(secret, salt, KEY_LABEL));
            byte[] key = new byte[32];
            hkdf.generateBytes(key, 0, key.length);
            return key;
        } finally {
            Arrays.fill(secret, (byte) 0);
        }
    }

    private static byte[] associatedData(byte version, byte[] salt, PresentedKey gatewayKey, ProviderId provider) {
        byte[] binding = ("|" + gatewayKey.id().value() + "|" + provider.value()).getBytes(StandardCharsets.US_ASCII);
        return ByteBuffer.allocate(1 + salt.length + KEY_LABEL.length + binding.length)
                .put(version).put(salt).put(KEY_LABEL).put(binding).array();
    }
}
