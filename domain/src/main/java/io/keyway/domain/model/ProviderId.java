package io.keyway.domain.model;

import java.util.regex.Pattern;

/** A third-party provider whose keys users may attach to their gateway keys, such as {@code openrouter}. */
public record ProviderId(String value) {
    private static final Pattern SHAPE = Pattern.compile("[a-z][a-z0-9]{1,31}");

    public static final ProviderId OPENROUTER = new ProviderId("openrouter");

    public ProviderId {
        if (value == null || !SHAPE.matcher(value).matches()) {
            throw new IllegalArgumentException("a provider id is 2 to 32 lowercase letters and digits");
        }
    }

    /** The model prefix that routes a request to this provider, e.g. {@code openrouter-}. */
    public String modelPrefix() {
        return value + "-";
    }

    @Override
    public String toString() {
        return value;
    }
}
