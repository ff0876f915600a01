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
public final class AdminToken {
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
        String tooShort = problem(given);
        if (tooShort != null) {
            throw new ConfigurationException(tooShort);
        }
        this.bytes = given.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Why a set token is refused, in one line that never repeats it, or null when it is long enough; also said by the
     * configuration check before anything starts.
     */
    public static String problem(String token) {
        String given = token.strip();
        if (given.isEmpty() || given.length() >= MIN_LENGTH) {
            return null;
        }
        return "KEYWAY_ADMIN_TOKEN (keyway.admin-token) is " + given.length() + " characters long; it must be at least "
                + MIN_LENGTH + ". Make one with: openssl rand -base64 32";
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
