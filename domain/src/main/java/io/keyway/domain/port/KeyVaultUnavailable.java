package io.keyway.domain.port;

/** The key vault's storage cannot be reached right now; the request may succeed later. The message names no secret. */
public final class KeyVaultUnavailable extends RuntimeException {
    public KeyVaultUnavailable(String message, Throwable cause) {
        super(message, cause);
    }
}
