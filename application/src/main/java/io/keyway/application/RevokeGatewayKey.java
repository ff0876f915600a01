package io.keyway.application;

import io.keyway.domain.keys.KeyId;
import io.keyway.domain.port.KeyVault;

/** An account deletes a gateway key. Its provider keys go with it, and the key is refused from its next request on. */
public final class RevokeGatewayKey {
    private final Authenticator authenticator;
    private final KeyVault vault;

    public RevokeGatewayKey(Authenticator authenticator, KeyVault vault) {
        this.authenticator = authenticator;
        this.vault = vault;
    }

    public Outcome<KeyId> revoke(String managementBearer, String id) {
        return authenticator.management(managementBearer).then(owner -> {
            if (KeyId.isWellFormed(id) && vault.deleteGatewayKey(owner.account(), new KeyId(id))) {
                return Outcome.done(new KeyId(id));
            }
            return Outcome.refused(GatewayKeys.notFound(id));
        });
    }

    /** The operator deletes any gateway key by its id (the admin CLI); refused from its next request on, like any deletion. */
    public Outcome<KeyId> revokeAny(String id) {
        if (KeyId.isWellFormed(id)) {
            KeyId keyId = new KeyId(id);
            var key = vault.findGatewayKey(keyId);
            if (key.isPresent() && vault.deleteGatewayKey(key.get().account(), keyId)) {
                return Outcome.done(keyId);
            }
        }
        return Outcome.refused(GatewayKeys.notFound(id));
    }
}
