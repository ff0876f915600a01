package io.keyway.domain.model;

/** The rule for human-given names of accounts and keys. */
public final class Names {
    public static final int MAX_LENGTH = 200;

    private Names() {
    }

    public static boolean isValid(String name) {
        return name != null && !name.isBlank() && name.length() <= MAX_LENGTH
                && name.chars().noneMatch(Character::isISOControl);
    }

    static void requireValid(String name, String what) {
        if (!isValid(name)) {
            throw new IllegalArgumentException("a " + what + " is 1 to " + MAX_LENGTH + " printable characters");
        }
    }
}
