package io.keyway.domain.model;

import io.keyway.domain.keys.KeyId;
import io.keyway.domain.keys.Verifier;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A key that lets its holder call /v1, carrying the holder's sealed provider keys.
 *
 * @param expiresAt when the key stops working, or null for never
 * @param previous  the secret a rotation replaced, while its grace period runs (or has run and not been cleared),
 *                  with the provider keys sealed under it; null when there is none
 */
public record GatewayKey(KeyId id, AccountId account, String name, Verifier verifier, Instant createdAt,
                         Map<ProviderId, SealedProviderKey> providerKeys, Instant expiresAt, PreviousSecret previous, KeyLimits limits) {
    public GatewayKey {
        Names.requireValid(name, "key name");
        providerKeys = Map.copyOf(providerKeys);
        limits = limits == null ? KeyLimits.NONE : limits;
    }

    /** A key without limits. */
    public GatewayKey(KeyId id, AccountId account, String name, Verifier verifier, Instant createdAt,
                      Map<ProviderId, SealedProviderKey> providerKeys, Instant expiresAt, PreviousSecret previous) {
        this(id, account, name, verifier, createdAt, providerKeys, expiresAt, previous, KeyLimits.NONE);
    }

    public GatewayKey withLimits(KeyLimits newLimits) {
        return new GatewayKey(id, account, name, verifier, createdAt, providerKeys, expiresAt, previous, newLimits);
    }

    /** A key that never expires and was never rotated with a grace period. */
    public GatewayKey(KeyId id, AccountId account, String name, Verifier verifier, Instant createdAt,
                      Map<ProviderId, SealedProviderKey> providerKeys) {
        this(id, account, name, verifier, createdAt, providerKeys, null, null, KeyLimits.NONE);
    }

    /**
     * The secret a rotation replaced, still accepted until {@code validUntil}, and the provider keys sealed under it
     * (a provider key changed since the rotation is not among them).
     */
    public record PreviousSecret(Verifier verifier, Instant validUntil, Map<ProviderId, SealedProviderKey> providerKeys) {
        public PreviousSecret {
            providerKeys = Map.copyOf(providerKeys);
        }

        public boolean acceptedAt(Instant now) {
            return now.isBefore(validUntil);
        }
    }

    public Optional<SealedProviderKey> providerKey(ProviderId provider) {
        return Optional.ofNullable(providerKeys.get(provider));
    }

    public Optional<Instant> expiry() {
        return Optional.ofNullable(expiresAt);
    }

    public Optional<PreviousSecret> previousSecret() {
        return Optional.ofNullable(previous);
    }

    public boolean expiredAt(Instant now) {
        return expiresAt != null && !now.isBefore(expiresAt);
    }

    /**
     * The key as its replaced secret sees it during a grace period: the old verifier and the provider keys sealed
     * under the old secret.
     */
    public GatewayKey asSeenByPreviousSecret() {
        if (previous == null) {
            throw new IllegalStateException("key " + id + " has no previous secret");
        }
        return new GatewayKey(id, account, name, previous.verifier(), createdAt, previous.providerKeys(), expiresAt, null, limits);
    }

    /** This key carrying {@code sealed}, in place of any key it had for that provider (the old secret's copy goes too). */
    public GatewayKey withProviderKey(SealedProviderKey sealed) {
        Map<ProviderId, SealedProviderKey> keys = new HashMap<>(providerKeys);
        keys.put(sealed.provider(), sealed);
        return new GatewayKey(id, account, name, verifier, createdAt, keys, expiresAt, previousWithout(sealed.provider()), limits);
    }

    public GatewayKey withoutProviderKey(ProviderId provider) {
        Map<ProviderId, SealedProviderKey> keys = new HashMap<>(providerKeys);
        keys.remove(provider);
        return new GatewayKey(id, account, name, verifier, createdAt, keys, expiresAt, previousWithout(provider), limits);
    }

    private PreviousSecret previousWithout(ProviderId provider) {
        if (previous == null) {
            return null;
        }
        Map<ProviderId, SealedProviderKey> keys = new HashMap<>(previous.providerKeys());
        keys.remove(provider);
        return new PreviousSecret(previous.verifier(), previous.validUntil(), keys);
    }
}
