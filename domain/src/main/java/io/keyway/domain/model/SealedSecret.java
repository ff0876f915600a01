package io.keyway.domain.model;

import java.util.Arrays;

/** A provider key sealed under its gateway key: the only form in which a provider key is ever stored. */
public record SealedSecret(byte[] blob) {
    public SealedSecret {
        blob = blob.clone();
    }

    @Override
    public byte[] blob() {
        return blob.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SealedSecret that && Arrays.equals(blob, that.blob);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(blob);
    }

    @Override
    public String toString() {
        return "SealedSecret[" + blob.length + " bytes]";
    }
}
