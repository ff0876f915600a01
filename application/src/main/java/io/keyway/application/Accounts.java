package io.keyway.application;

import io.keyway.domain.model.Account;
import io.keyway.domain.model.AccountId;
import io.keyway.domain.model.ManagementKey;
import io.keyway.domain.port.KeyVault;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** The operator's view of accounts: list them, read one, delete one with every key it holds. No secret is ever shown. */
public final class Accounts {
    private final KeyVault vault;

    public Accounts(KeyVault vault) {
        this.vault = vault;
    }

    /** An account with the ids of its keys. */
    public record AccountDetails(Account account, List<ManagementKey> managementKeys, int gatewayKeys) {
    }

    public List<Account> list() {
        return vault.listAccounts();
    }

    public Outcome<AccountDetails> get(String accountId) {
        Optional<Account> account = parseId(accountId).flatMap(vault::findAccount);
        if (account.isEmpty()) {
            return Outcome.refused(noSuchAccount());
        }
        AccountId id = account.get().id();
        return Outcome.done(new AccountDetails(account.get(), vault.listManagementKeys(id), vault.listGatewayKeys(id).size()));
    }

    /** Deletes the account: every gateway and management key it held is refused from the next request on. */
    public Outcome<AccountId> delete(String accountId) {
        Optional<AccountId> id = parseId(accountId);
        if (id.isEmpty() || !vault.deleteAccount(id.get())) {
            return Outcome.refused(noSuchAccount());
        }
        return Outcome.done(id.get());
    }

    static Optional<AccountId> parseId(String text) {
        try {
            return text == null ? Optional.empty() : Optional.of(new AccountId(UUID.fromString(text)));
        } catch (IllegalArgumentException notAUuid) {
            return Optional.empty();
        }
    }

    static Refusal noSuchAccount() {
        return new Refusal.NotFound("No such account.");
    }

    /** Text from a request, safe to echo in a message: printable ASCII only, at most 64 characters. */
    static String printable(String text) {
        if (text == null) {
            return "";
        }
        String kept = text.codePoints().filter(c -> c >= 0x20 && c < 0x7f).limit(64)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
        return kept;
    }
}
