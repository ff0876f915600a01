package io.keyway.application;

import io.keyway.domain.keys.KeyId;
import io.keyway.domain.model.GatewayKey;
import io.keyway.domain.port.KeyVault;

import java.util.List;

/** An account lists and reads its gateway keys: names, ids, dates and provider-key hints; never a secret. */
public final class ViewGatewayKeys {
    private final Authenticator authenticator;
    private final KeyVault vault;

    public ViewGatewayKeys(Authenticator authenticator, KeyVault vault) {
        this.authenticator = authenticator;
        this.vault = vault;
    }

    public Outcome<List<GatewayKey>> list(String managementBearer) {
        return authenticator.management(managementBearer).then(owner -> Outcome.done(vault.listGatewayKeys(owner.account())));
    }

    public Outcome<GatewayKey> get(String managementBearer, String id) {
        return authenticator.management(managementBearer).then(owner -> {
            if (!KeyId.isWellFormed(id)) {
                return Outcome.refused(GatewayKeys.notFound(id));
            }
            return vault.findGatewayKey(new KeyId(id))
                    .filter(key -> key.account().equals(owner.account()))
                    .<Outcome<GatewayKey>>map(Outcome::done)
                    .orElseGet(() -> Outcome.refused(GatewayKeys.notFound(id)));
        });
    }
}
