package io.keyway.application;

import io.keyway.domain.keys.KeyId;
import io.keyway.domain.keys.KeyKind;
import io.keyway.domain.keys.KeyMint;
import io.keyway.domain.keys.PresentedKey;
import io.keyway.domain.model.AccountId;
import io.keyway.domain.model.ManagementKey;
import io.keyway.domain.port.KeyVault;

import java.time.Clock;
import java.util.Optional;

/**
 * An account's management keys: the holder rotates its own; the operator adds and deletes them. A new secret is
 * returned once, here; the old one is refused from the next request on (management keys are never cached).
 */
public final class ManagementKeys {
    private final Authenticator authenticator;
    private final KeyVault vault;
    private final KeyMint mint;
    private final Clock clock;

    public ManagementKeys(Authenticator authenticator, KeyVault vault, KeyMint mint, Clock clock) {
        this.authenticator = authenticator;
        this.vault = vault;
        this.mint = mint;
        this.clock = clock;
    }

    /** A management key with its secret, shown once. */
    public record NewManagementKey(ManagementKey key, String secret) {
        @Override
        public String toString() {
            return "NewManagementKey[" + key.id() + "]";
        }
    }

    /** The holder of a management key replaces its secret. */
    public Outcome<NewManagementKey> rotateOwn(String managementBearer) {
        return authenticator.management(managementBearer).then(current -> {
            PresentedKey next = mint.remint(KeyKind.MANAGEMENT, current.id());
            try {
                if (!vault.replaceManagementKeyVerifier(current.id(), current.verifier(), next.verifier())) {
                    return Outcome.refused(new Refusal.Conflict("The management key changed while it was being rotated; nothing was changed."));
                }
                return Outcome.done(new NewManagementKey(new ManagementKey(current.id(), current.account(), next.verifier(),
                        current.createdAt()), next.token()));
            } finally {
                next.destroy();
            }
        });
    }

    /** The operator adds a management key to an account. */
    public Outcome<NewManagementKey> add(String accountId) {
        Optional<AccountId> account = Accounts.parseId(accountId);
        if (account.isEmpty()) {
            return Outcome.refused(Accounts.noSuchAccount());
        }
        PresentedKey key = mint.mint(KeyKind.MANAGEMENT);
        try {
            ManagementKey record = new ManagementKey(key.id(), account.get(), key.verifier(), clock.instant());
            if (!vault.addManagementKey(record)) {
                return Outcome.refused(Accounts.noSuchAccount());
            }
            return Outcome.done(new NewManagementKey(record, key.token()));
        } finally {
            key.destroy();
        }
    }

    /** The operator deletes one of an account's management keys; its holder is refused from the next request on. */
    public Outcome<KeyId> delete(String accountId, String keyId) {
        Optional<AccountId> account = Accounts.parseId(accountId);
        if (account.isEmpty() || !KeyId.isWellFormed(keyId) || !vault.deleteManagementKey(account.get(), new KeyId(keyId))) {
            return Outcome.refused(new Refusal.NotFound("This account has no management key '" + Accounts.printable(keyId) + "'."));
        }
        return Outcome.done(new KeyId(keyId));
    }
}
