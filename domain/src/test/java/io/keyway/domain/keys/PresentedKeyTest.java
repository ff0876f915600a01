package io.keyway.domain.keys;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PresentedKeyTest {
    private final KeyMint mint = new KeyMint();

    @Test
    void aMintedKeyParsesBackToTheSameKindIdAndVerifier() {
        PresentedKey key = mint.mint(KeyKind.GATEWAY);
        String token = key.token();

        PresentedKey parsed = PresentedKey.parse(token).orElseThrow();

        assertTrue(token.startsWith("kw-"));
        assertEquals(KeyKind.GATEWAY, parsed.kind());
        assertEquals(key.id(), parsed.id());
        assertTrue(parsed.matches(key.verifier()));
    }

    @Test
    void managementKeysCarryTheirOwnPrefix() {
        String token = mint.mint(KeyKind.MANAGEMENT).token();
        assertTrue(token.startsWith("kwm-"));
        assertEquals(KeyKind.MANAGEMENT, PresentedKey.parse(token).orElseThrow().kind());
    }

    @Test
    void everySingleCharacterTypoIsRefusedByTheChecksum() {
        String token = mint.mint(KeyKind.GATEWAY).token();
        for (int i = 0; i < token.length(); i++) {
            char replacement = token.charAt(i) == 'a' ? 'b' : 'a';
            String typo = token.substring(0, i) + replacement + token.substring(i + 1);
            assertTrue(PresentedKey.parse(typo).isEmpty(), "typo at " + i + " was accepted");
        }
    }

    @Test
    void truncatedOrForeignStringsAreRefused() {
        String token = mint.mint(KeyKind.GATEWAY).token();
        assertTrue(PresentedKey.parse(token.substring(0, token.length() - 1)).isEmpty());
        assertTrue(PresentedKey.parse(token + "0").isEmpty());
        assertTrue(PresentedKey.parse("sk-or-v1-0123456789abcdef").isEmpty());
        assertTrue(PresentedKey.parse("").isEmpty());
        assertTrue(PresentedKey.parse(null).isEmpty());
    }

    @Test
    void aDifferentSecretWithTheSameIdDoesNotMatchTheVerifier() {
        PresentedKey key = mint.mint(KeyKind.GATEWAY);
        PresentedKey other = new PresentedKey(KeyKind.GATEWAY, key.id(), new byte[32]);
        assertFalse(other.matches(key.verifier()));
    }

    @Test
    void keysCarryAtLeast256BitsOfFreshSecretEachTime() {
        PresentedKey a = mint.mint(KeyKind.GATEWAY);
        PresentedKey b = mint.mint(KeyKind.GATEWAY);
        assertEquals(32, a.secret().length);
        assertNotEquals(a.token(), b.token());
        assertNotEquals(a.id(), b.id());
    }

    @Test
    void textFormsNeverShowTheSecret() {
        PresentedKey key = mint.mint(KeyKind.GATEWAY);
        String secretPart = key.token().substring(3 + 17, 3 + 17 + 43);
        assertFalse(key.toString().contains(secretPart));
        assertFalse(key.verifier().toString().contains(secretPart));
    }
}
