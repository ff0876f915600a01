package io.keyway.domain.keys;

import io.keyway.domain.model.ProviderId;
import io.keyway.domain.model.ProviderKey;
import io.keyway.domain.model.SealedSecret;
import org.junit.jupiter.api.Test;

import java.security.SecureRandom;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Version 1 of the key format, the verifier and the seal, pinned by vectors computed outside Keyway (Python's
 * {@code cryptography}: HKDF-SHA256 and AES-256-GCM from RFC 5869 and NIST SP 800-38D, with {@code zlib.crc32}).
 * Keys already handed out and provider keys already sealed depend on every byte here: a refactor that changes one
 * fails this test; a deliberate change is a version 2 beside version 1, never an edit of these values.
 */
class KeyFormatVectorsTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final byte[] SECRET = HEX.parseHex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
    private static final KeyId ID = new KeyId("0123456789abcdef");

    /** Hands out the bytes it was given, in order: the salt, then the nonce of one sealing. */
    private static final class ScriptedRandom extends SecureRandom {
        private final byte[] script;
        private int next;

        ScriptedRandom(byte[] script) {
            this.script = script;
        }

        @Override
        public void nextBytes(byte[] bytes) {
            for (int i = 0; i < bytes.length; i++) {
                bytes[i] = script[next++];
            }
        }
    }

    @Test
    void aGatewayKeysTokenAndVerifier() {
        PresentedKey key = new PresentedKey(KeyKind.GATEWAY, ID, SECRET);

        assertEquals("kw-0123456789abcdef_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh886729c18", key.token());
        assertEquals("aaa48822d71fcfb5860ead851e4a997aacb60d781eb8768051e1b3a908258cc3", HEX.formatHex(key.verifier().value()));
    }

    @Test
    void aManagementKeysTokenAndVerifier() {
        PresentedKey key = new PresentedKey(KeyKind.MANAGEMENT, ID, SECRET);

        assertEquals("kwm-0123456789abcdef_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8c70ca7ea", key.token());
        assertEquals("0c56dae8941ad41f64c8419eff57fdcb016b6c34a413e649a7efd80d7b8d08d9", HEX.formatHex(key.verifier().value()));
    }

    @Test
    void aSealedProviderKeyAndItsOpening() {
        String expected = "01404142434445464748494a4b4c4d4e4f505152535455565758595a5bda994d11f7221f44fe4f6f524916a12ce87edfb8bbb701ff4ba3e49581c0b6d36bc8d094086e00459f";
        byte[] saltThenNonce = HEX.parseHex("404142434445464748494a4b4c4d4e4f" + "505152535455565758595a5b");
        PresentedKey key = new PresentedKey(KeyKind.GATEWAY, ID, SECRET);

        SealedSecret sealed = new ProviderKeySeal(new ScriptedRandom(saltThenNonce))
                .seal(key, ProviderId.OPENROUTER, ProviderKey.of("sk-or-v1-test-vector-0001"));

        assertEquals(expected, HEX.formatHex(sealed.blob()));
        PresentedKey parsed = PresentedKey.parse("kw-0123456789abcdef_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh886729c18").orElseThrow();
        assertEquals(ProviderKey.of("sk-or-v1-test-vector-0001"),
                new ProviderKeySeal().unseal(parsed, ProviderId.OPENROUTER, new SealedSecret(HEX.parseHex(expected))).orElseThrow());
    }
}
