package io.keyway.http;

import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The address a request is counted under: never one the client wrote. */
class ClientAddressesTest {
    private final ClientAddresses behindProxies = new ClientAddresses("X-Forwarded-For", List.of("10.0.0.0/8", "192.0.2.1"));

    private static InetSocketAddress peer(String address) {
        return new InetSocketAddress(address, 443);
    }

    @Test
    void theRightmostUntrustedValueIsTheClientWhateverTheClientWroteToItsLeft() {
        for (String forged : List.of("1.2.3.4", "evil", "203.0.113.99, 5.6.7.8", "", "x".repeat(8000))) {
            assertEquals("198.51.100.7", behindProxies.of(peer("10.1.2.3"), List.of(forged + ", 198.51.100.7, 10.9.9.9")), forged);
        }
        assertEquals("198.51.100.7", behindProxies.of(peer("10.1.2.3"), List.of("6.6.6.6", "198.51.100.7", "192.0.2.1")),
                "several header lines read as one list");
    }

    @Test
    void theHeaderOfAPeerThatIsNoTrustedProxyIsIgnored() {
        assertEquals("203.0.113.5", behindProxies.of(peer("203.0.113.5"), List.of("198.51.100.7")));
        assertEquals("203.0.113.5", new ClientAddresses("X-Forwarded-For", List.of()).of(peer("203.0.113.5"), List.of("198.51.100.7")),
                "no trusted proxy: never the header");
    }

    @Test
    void aValueThatIsNotAnAddressStopsTheWalkAtTheNearestTrustedHop() {
        assertEquals("10.9.9.9", behindProxies.of(peer("10.1.2.3"), List.of("198.51.100.7, evil.example, 10.9.9.9")));
        assertEquals("10.1.2.3", behindProxies.of(peer("10.1.2.3"), List.of()));
    }

    @Test
    void ipv6ClientsAreCountedByTheirSlash64() {
        String a = behindProxies.of(peer("10.1.2.3"), List.of("2001:db8:1:2:aaaa::1"));
        String b = behindProxies.of(peer("10.1.2.3"), List.of("[2001:db8:1:2:ffff:ffff:ffff:ffff]"));
        assertEquals("2001:db8:1:2::/64", a);
        assertEquals(a, b);
        assertTrue(!a.equals(behindProxies.of(peer("10.1.2.3"), List.of("2001:db8:1:3::1"))));
    }

    @Test
    void trustedProxyEntriesAreAddressesOrCidrBlocks() {
        assertThrows(IllegalArgumentException.class, () -> ClientAddresses.rule("proxy.example.com"));
        assertThrows(IllegalArgumentException.class, () -> ClientAddresses.rule("10.0.0.0/33"));
        assertThrows(IllegalArgumentException.class, () -> ClientAddresses.rule("10.0.0.0/x"));
        ClientAddresses.rule("fd00::/8");
    }
}
