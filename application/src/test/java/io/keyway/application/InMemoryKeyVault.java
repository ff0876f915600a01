package io.keyway.application;

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
import java.util.concurrent.ConcurrentHashMap;

/** A {@link KeyVault} in memory, for use-case tests: a fake, not a mock. */
final class InMemoryKeyVault implements KeyVault {
    final Map<AccountId, Account> accounts = new ConcurrentHashMap<>();
    final Map<KeyId, ManagementKey> managementKeys = new ConcurrentHashMap<>();
    final Map<KeyId, GatewayKey> gatewayKeys = new ConcurrentHashMap<>();

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
        GatewayKey key = gatewayKeys.get(id);
        return key != null && key.account().equals(account) && gatewayKeys.remove(id) != null;
    }

    @Override
    public boolean putProviderKey(KeyId gatewayKey, SealedProviderKey providerKey) {
        return gatewayKeys.computeIfPresent(gatewayKey, (id, key) -> key.withProviderKey(providerKey)) != null;
    }

    @Override
    public boolean removeProviderKey(KeyId gatewayKey, ProviderId provider) {
        GatewayKey key = gatewayKeys.get(gatewayKey);
        if (key == null || key.providerKey(provider).isEmpty()) {
            return false;
        }
        gatewayKeys.put(gatewayKey, key.withoutProviderKey(provider));
        return true;
    }

    /** Replaces a stored sealed key, as an attacker with write access to the database could. */
    void overwrite(KeyId gatewayKey, SealedProviderKey providerKey) {
        gatewayKeys.computeIfPresent(gatewayKey, (id, key) -> key.withProviderKey(providerKey));
    }
}
