package io.keyway.domain.keys;

import io.keyway.domain.model.ProviderId;
import io.keyway.domain.model.ProviderKey;
import io.keyway.domain.model.SealedSecret;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProviderKeySealTest {
    private static final ProviderKey OPENROUTER_KEY = ProviderKey.of("sk-or-v1-4f0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f");
    private final KeyMint mint = new KeyMint();
    private final ProviderKeySeal seal = new ProviderKeySeal();

    @Test
    void theGatewayKeyThatSealedAProviderKeyOpensIt() {
        PresentedKey gateway = mint.mint(KeyKind.GATEWAY);
        SealedSecret sealed = seal.seal(gateway, ProviderId.OPENROUTER, OPENROUTER_KEY);

        PresentedKey presentedAgain = PresentedKey.parse(gateway.token()).orElseThrow();
        assertEquals(OPENROUTER_KEY, seal.unseal(presentedAgain, ProviderId.OPENROUTER, sealed).orElseThrow());
    }

    @Test
    void theSealedFormContainsNoEncodingOfTheProviderKeyOrTheGatewaySecret() {
        PresentedKey gateway = mint.mint(KeyKind.GATEWAY);
        byte[] blob = seal.seal(gateway, ProviderId.OPENROUTER, OPENROUTER_KEY).blob();
        String asLatin1 = new String(blob, StandardCharsets.ISO_8859_1);
        String asHex = HexFormat.of().formatHex(blob);
        String asBase64 = Base64.getEncoder().encodeToString(blob);
        byte[] secret = gateway.secret();
        for (String needle : new String[]{OPENROUTER_KEY.reveal(), HexFormat.of().formatHex(OPENROUTER_KEY.reveal().getBytes()),
                new String(secret, StandardCharsets.ISO_8859_1), HexFormat.of().formatHex(secret)}) {
            assertFalse(asLatin1.contains(needle));
            assertFalse(asHex.contains(needle));
            assertFalse(asBase64.contains(needle));
        }
        assertEquals(ProviderKeySeal.VERSION_1, blob[0]);
    }

    @Test
    void sealingTwiceGivesDifferentBlobs() {
        PresentedKey gateway = mint.mint(KeyKind.GATEWAY);
        assertNotEquals(seal.seal(gateway, ProviderId.OPENROUTER, OPENROUTER_KEY),
                seal.seal(gateway, ProviderId.OPENROUTER, OPENROUTER_KEY));
    }

    @Test
    void anotherGatewayKeyCannotOpenIt() {
        SealedSecret sealed = seal.seal(mint.mint(KeyKind.GATEWAY), ProviderId.OPENROUTER, OPENROUTER_KEY);
        assertTrue(seal.unseal(mint.mint(KeyKind.GATEWAY), ProviderId.OPENROUTER, sealed).isEmpty());
    }

    @Test
    void theSameIdWithAWrongSecretCannotOpenIt() {
        PresentedKey gateway = mint.mint(KeyKind.GATEWAY);
        SealedSecret sealed = seal.seal(gateway, ProviderId.OPENROUTER, OPENROUTER_KEY);
        PresentedKey impostor = new PresentedKey(KeyKind.GATEWAY, gateway.id(), new byte[32]);
        assertTrue(seal.unseal(impostor, ProviderId.OPENROUTER, sealed).isEmpty());
    }

    @Test
    void everyFlippedByteFailsClosed() {
        PresentedKey gateway = mint.mint(KeyKind.GATEWAY);
        byte[] blob = seal.seal(gateway, ProviderId.OPENROUTER, OPENROUTER_KEY).blob();
        for (int i = 0; i < blob.length; i++) {
            byte[] tampered = blob.clone();
            tampered[i] ^= 0x01;
            assertTrue(seal.unseal(gateway, ProviderId.OPENROUTER, new SealedSecret(tampered)).isEmpty(),
                    "flipping byte " + i + " was not detected");
        }
    }

    @Test
    void aTruncatedBlobFailsClosed() {
        PresentedKey gateway = mint.mint(KeyKind.GATEWAY);
        byte[] blob = seal.seal(gateway, ProviderId.OPENROUTER, OPENROUTER_KEY).blob();
        byte[] truncated = java.util.Arrays.copyOf(blob, blob.length - 1);
        assertTrue(seal.unseal(gateway, ProviderId.OPENROUTER, new SealedSecret(truncated)).isEmpty());
        assertTrue(seal.unseal(gateway, ProviderId.OPENROUTER, new SealedSecret(new byte[0])).isEmpty());
    }

    @Test
    void aBlobMovedToAnotherProviderFailsClosed() {
        PresentedKey gateway = mint.mint(KeyKind.GATEWAY);
        SealedSecret sealed = seal.seal(gateway, ProviderId.OPENROUTER, OPENROUTER_KEY);
        assertTrue(seal.unseal(gateway, new ProviderId("anthropic"), sealed).isEmpty());
    }

    @Test
    void aBlobMovedToAnotherKeyIdFailsClosed() {
        PresentedKey gateway = mint.mint(KeyKind.GATEWAY);
        SealedSecret sealed = seal.seal(gateway, ProviderId.OPENROUTER, OPENROUTER_KEY);
        PresentedKey sameSecretOtherId = new PresentedKey(KeyKind.GATEWAY, new KeyId("0123456789abcdef"), gateway.secret());
        assertTrue(seal.unseal(sameSecretOtherId, ProviderId.OPENROUTER, sealed).isEmpty());
    }

    @Test
    void anUnknownFormatVersionFailsClosed() {
        PresentedKey gateway = mint.mint(KeyKind.GATEWAY);
        byte[] blob = seal.seal(gateway, ProviderId.OPENROUTER, OPENROUTER_KEY).blob();
        blob[0] = 2;
        assertTrue(seal.unseal(gateway, ProviderId.OPENROUTER, new SealedSecret(blob)).isEmpty());
    }

    @Test
    void managementKeysSealNothing() {
        assertThrows(IllegalArgumentException.class,
                () -> seal.seal(mint.mint(KeyKind.MANAGEMENT), ProviderId.OPENROUTER, OPENROUTER_KEY));
    }
}
