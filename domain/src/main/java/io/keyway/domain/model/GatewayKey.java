package io.keyway.domain.model;

import io.keyway.domain.keys.KeyId;
import io.keyway.domain.keys.Verifier;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** A key that lets its holder call /v1, carrying the holder's sealed provider keys. */
public record GatewayKey(KeyId id, AccountId account, String name, Verifier verifier, Instant createdAt,
                         Map<ProviderId, SealedProviderKey> providerKeys) {
    public GatewayKey {
        Names.requireValid(name, "key name");
        providerKeys = Map.copyOf(providerKeys);
    }

    public Optional<SealedProviderKey> providerKey(ProviderId provider) {
        return Optional.ofNullable(providerKeys.get(provider));
    }

    /** This key carrying {@code sealed}, in place of any key it had for that provider. */
    public GatewayKey withProviderKey(SealedProviderKey sealed) {
        Map<ProviderId, SealedProviderKey> keys = new HashMap<>(providerKeys);
        keys.put(sealed.provider(), sealed);
        return new GatewayKey(id, account, name, verifier, createdAt, keys);
    }

    public GatewayKey withoutProviderKey(ProviderId provider) {
        Map<ProviderId, SealedProviderKey> keys = new HashMap<>(providerKeys);
        keys.remove(provider);
        return new GatewayKey(id, account, name, verifier, createdAt, keys);
    }
}
