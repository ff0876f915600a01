package io.keyway.application;

import io.keyway.domain.completion.KeyCheck;
import io.keyway.domain.keys.ProviderKeySeal;
import io.keyway.domain.model.GatewayKey;
import io.keyway.domain.model.SealedProviderKey;
import io.keyway.domain.port.KeyVault;
import io.keyway.domain.port.ModelRouter;

import java.time.Clock;
import java.util.Map;

/**
 * A gateway key's holder reads, attaches, replaces and detaches the provider keys it carries. Only the holder can
 * attach one, because sealing needs the gateway key's secret, which only the holder presents.
 */
public final class ManageProviderKeys {
    private final Authenticator authenticator;
    private final KeyVault vault;
    private final ModelRouter router;
    private final ProviderKeySeal seal;
    private final Clock clock;
    private final ProviderKeyChecks checks;

    /** A provider key attached, and whether its provider confirmed it ({@link KeyCheck#UNCHECKED} when it could not). */
    public record Attached(GatewayKey key, KeyCheck check) {
    }

    public ManageProviderKeys(Authenticator authenticator, KeyVault vault, ModelRouter router, Upstreams upstreams,
                              ProviderKeySeal seal, Clock clock) {
        this.checks = new ProviderKeyChecks(upstreams);
        this.authenticator = authenticator;
        this.vault = vault;
        this.router = router;
        this.seal = seal;
        this.clock = clock;
    }

    public Outcome<GatewayKey> show(String gatewayBearer) {
        return authenticator.gateway(gatewayBearer).then(caller -> {
            caller.key().destroy();
            return Outcome.done(caller.record());
        });
    }

    /** Checks the key with its provider first (see {@link ProviderKeyChecks}): a refused key is never stored. */
    public Outcome<Attached> attach(String gatewayBearer, String providerName, String apiKey) {
        return authenticator.gatewayForChange(gatewayBearer).then(caller -> ProviderKeyInput.provider(providerName, router.userProviders(), "provider")
                .then(provider -> ProviderKeyInput.key(apiKey, "api_key").then(providerKey -> checks.check(Map.of(provider, providerKey), "api_key")
                        .then(checked -> {
                    SealedProviderKey sealed = new SealedProviderKey(provider,
                            seal.seal(caller.key(), provider, providerKey), providerKey.hint(), clock.instant());
                    caller.key().destroy();
                    if (!vault.putProviderKey(caller.record().id(), caller.record().verifier(), sealed)) {
                        // Deleted, or rotated meanwhile: the secret that sealed it is no longer the key's.
                        return Outcome.refused(new Refusal.Unauthenticated(Authenticator.INVALID));
                    }
                    return Outcome.done(new Attached(caller.record().withProviderKey(sealed), checked.get(provider)));
                }))));
    }

    public Outcome<GatewayKey> detach(String gatewayBearer, String providerName) {
        return authenticator.gatewayForChange(gatewayBearer).then(caller -> ProviderKeyInput.provider(providerName, router.userProviders(), "provider")
                .then(provider -> {
                    caller.key().destroy();
                    if (!vault.removeProviderKey(caller.record().id(), caller.record().verifier(), provider)) {
                        return Outcome.refused(caller.record().providerKey(provider).isPresent()
                                ? new Refusal.Conflict("This gateway key changed meanwhile (rotated or deleted); nothing was removed.")
                                : new Refusal.NotFound("This gateway key carries no " + provider + " key."));
                    }
                    return Outcome.done(caller.record().withoutProviderKey(provider));
                }));
    }
}
