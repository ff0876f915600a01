package io.keyway.domain.keys;

/** What a key may do; its prefix tells the kind at a glance. */
public enum KeyKind {
    /** Calls the /v1 API and carries the holder's sealed provider keys. */
    GATEWAY("kw-"),
    /** Manages an account's gateway keys. */
    MANAGEMENT("kwm-");

    private final String prefix;

    KeyKind(String prefix) {
        this.prefix = prefix;
    }

    public String prefix() {
        return prefix;
    }
}
