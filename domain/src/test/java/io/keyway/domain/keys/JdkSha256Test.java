package io.keyway.domain.keys;

import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.params.HKDFParameters;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.Digest;
import org.junit.jupiter.api.Test;

import java.util.HexFormat;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The JDK-backed digest changes nothing that was ever derived: same HKDF, same HMAC as Bouncy Castle's own SHA-256. */
class JdkSha256Test {
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void hkdfOnItGivesRfc5869sFirstTestVector() {
        byte[] okm = hkdf(new JdkSha256(), HEX.parseHex("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b"),
                HEX.parseHex("000102030405060708090a0b0c"), HEX.parseHex("f0f1f2f3f4f5f6f7f8f9"), 42);

        assertEquals("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865", HEX.formatHex(okm));
    }

    @Test
    void hkdfAndHmacOnItMatchBouncyCastlesOwnSha256() {
        Random random = new Random(7);
        HMac jdkMac = new HMac(new JdkSha256());
        HMac bcMac = new HMac(new SHA256Digest());
        for (int i = 0; i < 200; i++) {
            byte[] ikm = bytes(random, 1 + random.nextInt(100));
            byte[] salt = random.nextBoolean() ? null : bytes(random, random.nextInt(80));
            byte[] info = bytes(random, random.nextInt(60));
            int length = 1 + random.nextInt(100);
            assertArrayEquals(hkdf(new SHA256Digest(), ikm, salt, info, length), hkdf(new JdkSha256(), ikm, salt, info, length));

            // The same HMac used again and again: after each MAC it hashes the padded key again.
            byte[] key = bytes(random, 1 + random.nextInt(100));
            byte[] message = bytes(random, random.nextInt(300));
            jdkMac.init(new KeyParameter(key));
            bcMac.init(new KeyParameter(key));
            for (int round = 0; round < 2; round++) {
                assertArrayEquals(mac(bcMac, message), mac(jdkMac, message));
            }
        }
    }

    private static byte[] hkdf(Digest digest, byte[] ikm, byte[] salt, byte[] info, int length) {
        HKDFBytesGenerator generator = new HKDFBytesGenerator(digest);
        generator.init(new HKDFParameters(ikm, salt, info));
        byte[] out = new byte[length];
        generator.generateBytes(out, 0, length);
        return out;
    }

    private static byte[] mac(HMac mac, byte[] message) {
        mac.update(message, 0, message.length);
        byte[] out = new byte[mac.getMacSize()];
        mac.doFinal(out, 0);
        return out;
    }

    private static byte[] bytes(Random random, int n) {
        byte[] out = new byte[n];
        random.nextBytes(out);
        return out;
    }
}
