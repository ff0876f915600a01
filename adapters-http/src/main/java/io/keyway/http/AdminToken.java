package io.keyway.http;

import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Value;
import io.micronaut.context.exceptions.ConfigurationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;

/**
 * The operator's admin token ({@code KEYWAY_ADMIN_TOKEN}), checked when Keyway starts: a token shorter than
 * {@value #MIN_LENGTH} characters stops the start with a message saying how to make one; none disables the admin API.
 */
@Context
final class AdminToken {
    static final int MIN_LENGTH = 32;
    private static final Logger LOG = LoggerFactory.getLogger(AdminToken.class);

    private final byte[] bytes;

    AdminToken(@Value("${keyway.admin-token:}") String token) {
        String given = token.strip();
        if (given.isEmpty()) {
            LOG.info("KEYWAY_ADMIN_TOKEN is not set: the admin API (/admin) is disabled");
            this.bytes = null;
            return;
        }
        if (given.length() < MIN_LENGTH) {
            throw new ConfigurationException("KEYWAY_ADMIN_TOKEN (keyway.admin-token) is " + given.length() + " characters long; it must be at least "
                    + MIN_LENGTH + ". Make one with: openssl rand -base64 32");
        }
        this.bytes = given.getBytes(StandardCharsets.UTF_8);
    }

    /** The token's bytes, or null when the admin API is disabled. */
    byte[] bytes() {
        return bytes == null ? null : bytes.clone();
    }

    @Override
    public String toString() {
        return bytes == null ? "AdminToken[disabled]" : "AdminToken[set]";
    }
}
