package io.keyway.application;

import io.keyway.domain.keys.KeyKind;
import io.keyway.domain.keys.KeyMint;
import io.keyway.domain.keys.PresentedKey;
import io.keyway.domain.model.Account;
import io.keyway.domain.model.AccountId;
import io.keyway.domain.model.ManagementKey;
import io.keyway.domain.model.Names;
import io.keyway.domain.port.KeyVault;

import java.time.Clock;

/** The operator opens an account; its management key is returned once, here, and stored only as a verifier. */
public final class CreateAccount {
    private final KeyVault vault;
    private final KeyMint mint;
    private final Clock clock;

    public CreateAccount(KeyVault vault, KeyMint mint, Clock clock) {
        this.vault = vault;
        this.mint = mint;
        this.clock = clock;
    }

    public record NewAccount(Account account, String managementKey) {
        @Override
        public String toString() {
            return "NewAccount[" + account + "]";
        }
    }

    public Outcome<NewAccount> create(String name) {
        if (!Names.isValid(name)) {
            return Outcome.refused(new Refusal.InvalidRequest(
                    "'name' is required: 1 to " + Names.MAX_LENGTH + " printable characters.", "name"));
        }
        Account account = new Account(AccountId.random(), name, clock.instant());
        PresentedKey key = mint.mint(KeyKind.MANAGEMENT);
        vault.createAccount(account, new ManagementKey(key.id(), account.id(), key.verifier(), account.createdAt()));
        String token = key.token();
        key.destroy();
        return Outcome.done(new NewAccount(account, token));
    }
}
