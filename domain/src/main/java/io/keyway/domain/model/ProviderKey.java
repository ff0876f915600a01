package io.keyway.domain.model;

import java.util.Objects;

/**
 * A user's own key for a third-party provider, in plaintext. It exists only in memory: while a key is
 * attached (and sealed) and while the request that unsealed it runs. Its {@link #toString()} never shows it.
 */
public final class ProviderKey {
    public static final int MAX_LENGTH = 1024;

    private final String value;

    private ProviderKey(String value) {
        this.value = value;
    }

    /** Whether a string can be a provider key: printable ASCII with no spaces, 8 to 1024 characters. */
    public static boolean isWellFormed(String candidate) {
        return candidate != null && candidate.length() >= 8 && candidate.length() <= MAX_LENGTH
                && candidate.chars().allMatch(c -> c > 0x20 && c < 0x7f);
    }

    public static ProviderKey of(String value) {
        if (!isWellFormed(value)) {
            throw new IllegalArgumentException("a provider key is 8 to 1024 printable ASCII characters without spaces");
        }
        return new ProviderKey(value);
    }

    /** The plaintext, for the one place that must send it upstream. */
    public String reveal() {
        return value;
    }

    /** What may be shown back to its owner: an ellipsis and the last four characters. */
    public String hint() {
        return "…" + value.substring(value.length() - 4);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ProviderKey that && Objects.equals(value, that.value);
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }

    @Override
    public String toString() {
        return "ProviderKey[" + hint() + "]";
    }
}
