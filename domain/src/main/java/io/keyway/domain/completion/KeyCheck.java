package io.keyway.domain.completion;

/** What a provider said of a user's key when it was attached: its cheapest authenticated read (its model list). */
public enum KeyCheck {
    /** The provider answered the read: the key works. */
    ACCEPTED,
    /** The provider refused the key (401 or 403). */
    REFUSED,
    /** Not checked: the provider has no such read, the check is turned off, or the provider could not be reached. */
    UNCHECKED
}
