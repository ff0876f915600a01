package io.keyway.http;

/** The check of a {@code keyway.auth-failures.trusted-proxies} entry, for the configuration check at start. */
public final class TrustedProxies {
    private TrustedProxies() {
    }

    /** Throws {@link IllegalArgumentException} saying what is wrong when {@code entry} is not an address or CIDR block. */
    public static void check(String entry) {
        ClientAddresses.rule(entry);
    }
}
