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

    /** The operator's view of an account's keys (the admin CLI): the same records, no secret. */
    public Outcome<List<GatewayKey>> listForAccount(String accountId) {
        return Accounts.parseId(accountId).filter(id -> vault.findAccount(id).isPresent())
                .<Outcome<List<GatewayKey>>>map(id -> Outcome.done(vault.listGatewayKeys(id)))
                .orElseGet(() -> Outcome.refused(Accounts.noSuchAccount()));
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
