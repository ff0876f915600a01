package io.keyway.domain.model;

import io.keyway.domain.keys.KeyId;
import io.keyway.domain.keys.Verifier;

import java.time.Instant;
import java.util.Map;

/**
 * A new secret for a gateway key, with every provider key it carries sealed again under it. It applies only to the
 * key as it was read: {@code replaced} is the verifier and {@code replacedSeals} the sealed provider keys the rotation
 * started from, so that a concurrent rotation or provider-key change makes it fail rather than leave a provider key
 * sealed under a secret nobody holds.
 *
 * @param graceUntil until when the replaced secret (and its provider keys) keeps working; null for not at all
 */
public record GatewayKeyRotation(KeyId id, Verifier replaced, Map<ProviderId, SealedSecret> replacedSeals, Verifier verifier,
                                 Map<ProviderId, SealedProviderKey> providerKeys, Instant graceUntil) {
    public GatewayKeyRotation {
        replacedSeals = Map.copyOf(replacedSeals);
        providerKeys = Map.copyOf(providerKeys);
        if (!replacedSeals.keySet().equals(providerKeys.keySet())) {
            throw new IllegalArgumentException("a rotation seals again exactly the provider keys it replaces");
        }
    }
}
