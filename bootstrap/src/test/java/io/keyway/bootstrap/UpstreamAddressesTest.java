package io.keyway.bootstrap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which plain-http hosts count as this machine, decided without DNS. */
class UpstreamAddressesTest {
    @Test
    void aLocalhostSubdomainIsThisMachineOnlyWhenTheHostsFileMapsItToLoopbackAlone(@TempDir Path dir) throws Exception {
        Path hosts = dir.resolve("hosts");
        Files.writeString(hosts, """
                127.0.0.1   localhost
                ::1         localhost ip6-localhost
                127.0.0.2   models.localhost   # a local model server
                10.0.0.9    shared.localhost
                127.0.0.1   split.localhost
                192.0.2.1   split.localhost
                """);

        assertTrue(UpstreamAddresses.isLoopback("models.localhost", hosts));
        assertTrue(UpstreamAddresses.isLoopback("MODELS.localhost", hosts));
        assertFalse(UpstreamAddresses.isLoopback("shared.localhost", hosts), "mapped to another machine");
        assertFalse(UpstreamAddresses.isLoopback("split.localhost", hosts), "one of its addresses is another machine");
        assertFalse(UpstreamAddresses.isLoopback("absent.localhost", hosts), "not in the file: DNS would decide");
        assertFalse(UpstreamAddresses.isLoopback("models.localhost", dir.resolve("missing")));
        assertTrue(UpstreamAddresses.isLoopback("localhost", hosts));
        assertTrue(UpstreamAddresses.isLoopback("127.0.0.1", hosts));
        assertTrue(UpstreamAddresses.isLoopback("[::1]", hosts));
        assertFalse(UpstreamAddresses.isLoopback("10.1.2.3", hosts));
    }
}
