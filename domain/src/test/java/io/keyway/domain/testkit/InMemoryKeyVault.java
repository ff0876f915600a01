package io.keyway.domain.testkit;

import io.keyway.domain.keys.Verifier;
import io.keyway.domain.model.GatewayKeyRotation;
import io.keyway.domain.model.SealedSecret;
import java.util.HashMap;

import io.keyway.domain.keys.KeyId;
import io.keyway.domain.model.Account;
import io.keyway.domain.model.AccountId;
import io.keyway.domain.model.GatewayKey;
import io.keyway.domain.model.ManagementKey;
import io.keyway.domain.model.ProviderId;
import io.keyway.domain.model.SealedProviderKey;
import io.keyway.domain.port.KeyVault;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** A {@link KeyVault} in memory, for use-case tests: a fake, not a mock. It passes the same contract as PostgreSQL's. */
public final class InMemoryKeyVault implements KeyVault {
    private final Map<AccountId, Account> accounts = new ConcurrentHashMap<>();
    private final Map<KeyId, ManagementKey> managementKeys = new ConcurrentHashMap<>();
    private final Map<KeyId, GatewayKey> gatewayKeys = new ConcurrentHashMap<>();

    @Override
    public void createAccount(Account account, ManagementKey managementKey) {
        accounts.put(account.id(), account);
        managementKeys.put(managementKey.id(), managementKey);
    }

    @Override
    public Optional<ManagementKey> findManagementKey(KeyId id) {
        return Optional.ofNullable(managementKeys.get(id));
    }

    @Override
    public void createGatewayKey(GatewayKey key) {
        if (!accounts.containsKey(key.account())) {
            throw new IllegalStateException("no account " + key.account());
        }
        gatewayKeys.put(key.id(), key);
    }

    @Override
    public Optional<GatewayKey> findGatewayKey(KeyId id) {
        return Optional.ofNullable(gatewayKeys.get(id));
    }

    @Override
    public List<GatewayKey> listGatewayKeys(AccountId account) {
        return gatewayKeys.values().stream().filter(k -> k.account().equals(account))
                .sorted(Comparator.comparing(GatewayKey::createdAt)).toList();
    }

    @Override
    public boolean deleteGatewayKey(AccountId account, KeyId id) {
        boolean[] deleted = {false};
        gatewayKeys.computeIfPresent(id, (keyId, key) -> {
            deleted[0] = key.account().equals(account);
            return deleted[0] ? null : key;
        });
        return deleted[0];
    }

    @Override
    public boolean setLimits(AccountId account, KeyId id, io.keyway.domain.model.KeyLimits limits) {
        boolean[] set = {false};
        gatewayKeys.computeIfPresent(id, (keyId, key) -> {
            set[0] = key.account().equals(account);
            return set[0] ? key.withLimits(limits) : key;
        });
        return set[0];
    }

    @Override
    public boolean putProviderKey(KeyId gatewayKey, Verifier sealedUnder, SealedProviderKey providerKey) {
        boolean[] put = {false};
        gatewayKeys.computeIfPresent(gatewayKey, (id, key) -> {
            put[0] = key.verifier().equals(sealedUnder);
            return put[0] ? key.withProviderKey(providerKey) : key;
        });
        return put[0];
    }

    @Override
    public boolean removeProviderKey(KeyId gatewayKey, Verifier presentedUnder, ProviderId provider) {
        boolean[] removed = {false};
        gatewayKeys.computeIfPresent(gatewayKey, (id, key) -> {
            if (!key.verifier().equals(presentedUnder)) {
                return key;
            }
            removed[0] = key.providerKey(provider).isPresent();
            return key.withoutProviderKey(provider);
        });
        return removed[0];
    }

    @Override
    public boolean rotateGatewayKey(GatewayKeyRotation rotation) {
        boolean[] rotated = {false};
        gatewayKeys.computeIfPresent(rotation.id(), (id, key) -> {
            Map<ProviderId, SealedSecret> current = new HashMap<>();
            key.providerKeys().forEach((provider, sealed) -> current.put(provider, sealed.sealed()));
            if (!key.verifier().equals(rotation.replaced()) || !current.equals(rotation.replacedSeals())) {
                return key;
            }
            rotated[0] = true;
            GatewayKey.PreviousSecret previous = rotation.graceUntil() == null ? null
                    : new GatewayKey.PreviousSecret(key.verifier(), rotation.graceUntil(), key.providerKeys());
            return new GatewayKey(id, key.account(), key.name(), rotation.verifier(), key.createdAt(), rotation.providerKeys(),
                    key.expiresAt(), previous, key.limits());
        });
        return rotated[0];
    }

    @Override
    public List<Account> listAccounts() {
        return accounts.values().stream().sorted(Comparator.comparing(Account::createdAt)).toList();
    }

    @Override
    public Optional<Account> findAccount(AccountId id) {
        return Optional.ofNullable(accounts.get(id));
    }

    @Override
    public synchronized boolean deleteAccount(AccountId id) {
        if (accounts.remove(id) == null) {
            return false;
        }
        gatewayKeys.values().removeIf(key -> key.account().equals(id));
        managementKeys.values().removeIf(key -> key.account().equals(id));
        return true;
    }

    @Override
    public synchronized boolean addManagementKey(ManagementKey key) {
        if (!accounts.containsKey(key.account())) {
            return false;
        }
        managementKeys.put(key.id(), key);
        return true;
    }

    @Override
    public List<ManagementKey> listManagementKeys(AccountId account) {
        return managementKeys.values().stream().filter(k -> k.account().equals(account))
                .sorted(Comparator.comparing(ManagementKey::createdAt)).toList();
    }

    @Override
    public boolean deleteManagementKey(AccountId account, KeyId id) {
        boolean[] deleted = {false};
        managementKeys.computeIfPresent(id, (keyId, key) -> {
            deleted[0] = key.account().equals(account);
            return deleted[0] ? null : key;
        });
        return deleted[0];
    }

    @Override
    public boolean replaceManagementKeyVerifier(KeyId id, Verifier replaced, Verifier next) {
        boolean[] replacedIt = {false};
        managementKeys.computeIfPresent(id, (keyId, key) -> {
            replacedIt[0] = key.verifier().equals(replaced);
            return replacedIt[0] ? new ManagementKey(keyId, key.account(), next, key.createdAt()) : key;
        });
        return replacedIt[0];
    }

    /** The ids of every gateway key held. */
    public Set<KeyId> gatewayKeyIds() {
        return Set.copyOf(gatewayKeys.keySet());
    }

    /** Replaces a stored sealed key, as an attacker with write access to the database could. */
    public void overwrite(KeyId gatewayKey, SealedProviderKey providerKey) {
        gatewayKeys.computeIfPresent(gatewayKey, (id, key) -> key.withProviderKey(providerKey));
    }
}
