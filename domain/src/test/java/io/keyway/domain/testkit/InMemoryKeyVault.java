package io.keyway.domain.testkit;

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
    public boolean putProviderKey(KeyId gatewayKey, SealedProviderKey providerKey) {
        return gatewayKeys.computeIfPresent(gatewayKey, (id, key) -> key.withProviderKey(providerKey)) != null;
    }

    @Override
    public boolean removeProviderKey(KeyId gatewayKey, ProviderId provider) {
        boolean[] removed = {false};
        gatewayKeys.computeIfPresent(gatewayKey, (id, key) -> {
            removed[0] = key.providerKey(provider).isPresent();
            return key.withoutProviderKey(provider);
        });
        return removed[0];
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
