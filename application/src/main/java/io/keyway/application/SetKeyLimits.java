package io.keyway.application;

import io.keyway.domain.keys.KeyId;
import io.keyway.domain.model.GatewayKey;
import io.keyway.domain.port.KeyVault;

/** An account changes a gateway key's limits; every instance applies them from the key's next request on. */
public final class SetKeyLimits {
    private final Authenticator authenticator;
    private final KeyVault vault;

    public SetKeyLimits(Authenticator authenticator, KeyVault vault) {
        this.authenticator = authenticator;
        this.vault = vault;
    }

    public Outcome<GatewayKey> set(String managementBearer, String id, LimitsInput change) {
        return authenticator.management(managementBearer).then(owner -> {
            if (!KeyId.isWellFormed(id)) {
                return Outcome.refused(GatewayKeys.notFound(id));
            }
            return vault.findGatewayKey(new KeyId(id)).filter(key -> key.account().equals(owner.account()))
                    .map(key -> change.applyTo(key.limits()).then(limits -> vault.setLimits(owner.account(), key.id(), limits)
                            ? Outcome.done(key.withLimits(limits)) : Outcome.<GatewayKey>refused(GatewayKeys.notFound(id))))
                    .orElseGet(() -> Outcome.refused(GatewayKeys.notFound(id)));
        });
    }
}
