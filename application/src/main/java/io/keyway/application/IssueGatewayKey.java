package io.keyway.application;

import io.keyway.domain.model.AccountId;
import io.keyway.domain.model.KeyLimits;

import io.keyway.domain.keys.KeyKind;
import io.keyway.domain.keys.KeyMint;
import io.keyway.domain.keys.PresentedKey;
import io.keyway.domain.keys.ProviderKeySeal;
import io.keyway.domain.model.GatewayKey;
import io.keyway.domain.model.Names;
import io.keyway.domain.model.ProviderId;
import io.keyway.domain.model.ProviderKey;
import io.keyway.domain.model.SealedProviderKey;
import io.keyway.domain.port.KeyVault;
import io.keyway.domain.port.ModelRouter;

import java.time.Clock;
import java.time.Instant;
import io.keyway.domain.completion.KeyCheck;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An account creates a gateway key, optionally carrying provider keys. The provider keys are sealed under the new
 * key's secret before anything is stored; the secret is returned once, here.
 */
public final class IssueGatewayKey {
    private final Authenticator authenticator;
    private final KeyVault vault;
    private final ModelRouter router;
    private final KeyMint mint;
    private final ProviderKeySeal seal;
    private final Clock clock;

    private final ProviderKeyChecks checks;

    public IssueGatewayKey(Authenticator authenticator, KeyVault vault, ModelRouter router, Upstreams upstreams, KeyMint mint,
                           ProviderKeySeal seal, Clock clock) {
        this.checks = new ProviderKeyChecks(upstreams);
        this.authenticator = authenticator;
        this.vault = vault;
        this.router = router;
        this.mint = mint;
        this.seal = seal;
        this.clock = clock;
    }

    /** The latest expiry accepted: far enough for any real use, near enough to stay a valid timestamp everywhere. */
    static final long MAX_LIFETIME_SECONDS = 100L * 366 * 86_400;

    /**
     * @param providerKeys provider name → API key, as the caller sent them
     * @param expiresAt    when the key stops working, in unix seconds; null for never
     */
    public record Command(String managementBearer, String name, Map<String, String> providerKeys, Long expiresAt, LimitsInput limits) {
        public Command(String managementBearer, String name, Map<String, String> providerKeys, Long expiresAt) {
            this(managementBearer, name, providerKeys, expiresAt, LimitsInput.UNCHANGED);
        }

        public Command(String managementBearer, String name, Map<String, String> providerKeys) {
            this(managementBearer, name, providerKeys, null);
        }

        @Override
        public String toString() {
            return "IssueGatewayKey.Command[" + name + ", providers=" + providerKeys.keySet() + ", expires_at=" + expiresAt + "]";
        }
    }

    /** @param checks what each provider said of its key when it was checked (see {@link ProviderKeyChecks}) */
    public record NewGatewayKey(GatewayKey key, String secret, Map<ProviderId, KeyCheck> checks) {
        @Override
        public String toString() {
            return "NewGatewayKey[" + key.id() + "]";
        }
    }

    public Outcome<NewGatewayKey> issue(Command command) {
        return authenticator.management(command.managementBearer())
                .then(owner -> command.limits().applyTo(KeyLimits.NONE).then(limits ->
                        checkedAndStored(owner.account(), command.name(), command.providerKeys(), command.expiresAt(), limits)));
    }

    /**
     * The operator issues a key for an account without its management key (the admin CLI, which already holds the
     * database): the same checks, the same sealing, the secret returned once.
     */
    public Outcome<NewGatewayKey> issueForAccount(String accountId, String name, Map<String, String> providerKeys, Long expiresAt) {
        return Accounts.parseId(accountId).filter(id -> vault.findAccount(id).isPresent())
                .map(account -> checkedAndStored(account, name, providerKeys, expiresAt, KeyLimits.NONE))
                .orElseGet(() -> Outcome.refused(Accounts.noSuchAccount()));
    }

    private Outcome<NewGatewayKey> checkedAndStored(AccountId account, String name, Map<String, String> providerKeys, Long expiresAtSeconds,
                                                    KeyLimits limits) {
        if (!Names.isValid(name)) {
            return Outcome.refused(new Refusal.InvalidRequest(
                    "'name' is required: 1 to " + Names.MAX_LENGTH + " printable characters.", "name"));
        }
        Outcome<Map<ProviderId, ProviderKey>> checked = Outcome.done(new LinkedHashMap<>());
        for (Map.Entry<String, String> entry : providerKeys.entrySet()) {
            checked = checked.then(keys -> ProviderKeyInput.provider(entry.getKey(), router.userProviders(), "provider_keys")
                    .then(provider -> ProviderKeyInput.key(entry.getValue(), "provider_keys." + entry.getKey())
                            .then(key -> {
                                keys.put(provider, key);
                                return Outcome.done(keys);
                            })));
        }
        long now = clock.instant().getEpochSecond();
        if (expiresAtSeconds != null && (expiresAtSeconds <= now || expiresAtSeconds > now + MAX_LIFETIME_SECONDS)) {
            return Outcome.refused(new Refusal.InvalidRequest(
                    "'expires_at' must be a time in the future, in unix seconds (now is " + now + "), at most 100 years ahead.", "expires_at"));
        }
        Instant expiresAt = expiresAtSeconds == null ? null : Instant.ofEpochSecond(expiresAtSeconds);
        return checked.then(plain -> checks.check(plain, "provider_keys")
                .then(confirmed -> Outcome.done(mintAndStore(account, name, plain, confirmed, expiresAt, limits))));
    }

    private NewGatewayKey mintAndStore(AccountId account, String name, Map<ProviderId, ProviderKey> plain, Map<ProviderId, KeyCheck> confirmed,
                                       Instant expiresAt, KeyLimits limits) {
        PresentedKey key = mint.mint(KeyKind.GATEWAY);
        Instant now = clock.instant();
        Map<ProviderId, SealedProviderKey> sealed = new LinkedHashMap<>();
        plain.forEach((provider, providerKey) -> sealed.put(provider,
                new SealedProviderKey(provider, seal.seal(key, provider, providerKey), providerKey.hint(), now)));
        GatewayKey record = new GatewayKey(key.id(), account, name, key.verifier(), now, sealed, expiresAt, null, limits);
        vault.createGatewayKey(record);
        String secret = key.token();
        key.destroy();
        return new NewGatewayKey(record, secret, confirmed);
    }
}
