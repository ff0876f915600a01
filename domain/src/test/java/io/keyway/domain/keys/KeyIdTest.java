package io.keyway.domain.keys;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KeyIdTest {
    @Test
    void sixteenLowercaseHexDigitsAreAnId() {
        assertTrue(KeyId.isWellFormed("0123456789abcdef"));
        assertTrue(KeyId.isWellFormed("ffffffffffffffff"));
        assertEquals("0123456789abcdef", new KeyId("0123456789abcdef").value());
    }

    @Test
    void anythingElseIsRefused() {
        for (String bad : new String[] {"0123456789ABCDEF", "0123456789abcde", "0123456789abcdef0", "0123456789abcdeg",
                "", "0123456789abcde/", "0123456789abcde:", "0123456789abcde`", "0123456789abcde\u0663", "0123456789abcd f"}) {
            assertFalse(KeyId.isWellFormed(bad), bad);
            assertThrows(IllegalArgumentException.class, () -> new KeyId(bad), bad);
        }
        assertFalse(KeyId.isWellFormed(null));
    }
}
