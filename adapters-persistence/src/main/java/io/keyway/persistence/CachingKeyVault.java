package io.keyway.persistence;

import io.keyway.domain.keys.KeyId;
import io.keyway.domain.model.Account;
import io.keyway.domain.model.AccountId;
import io.keyway.domain.model.GatewayKey;
import io.keyway.domain.model.ManagementKey;
import io.keyway.domain.model.ProviderId;
import io.keyway.domain.model.SealedProviderKey;
import io.keyway.domain.port.KeyVault;
import io.micronaut.context.annotation.Primary;
import jakarta.inject.Singleton;

import java.util.List;
import java.util.Optional;

/**
 * The {@link KeyVault} Keyway runs on: {@link PostgresKeyVault} with the per-request gateway-key lookup served from
 * {@link KeyRecordCache}. A change made here evicts its key once the change has committed, so this instance refuses a
 * deleted key on its very next request; other instances evict on the change's notification.
 */
@Primary
@Singleton
final class CachingKeyVault implements KeyVault {
    private final PostgresKeyVault database;
    private final KeyRecordCache cache;

    CachingKeyVault(PostgresKeyVault database, KeyRecordCache cache) {
        this.database = database;
        this.cache = cache;
    }

    @Override
    public Optional<GatewayKey> findGatewayKey(KeyId id) {
        return cache.find(id.value(), () -> database.findGatewayKey(id));
    }

    @Override
    public void createGatewayKey(GatewayKey key) {
        try {
            database.createGatewayKey(key);
        } finally {
            cache.evict(key.id().value());
        }
    }

    @Override
    public boolean deleteGatewayKey(AccountId account, KeyId id) {
        try {
            return database.deleteGatewayKey(account, id);
        } finally {
            cache.evict(id.value());
        }
    }

    @Override
    public boolean putProviderKey(KeyId gatewayKey, SealedProviderKey providerKey) {
        try {
            return database.putProviderKey(gatewayKey, providerKey);
        } finally {
            cache.evict(gatewayKey.value());
        }
    }

    @Override
    public boolean removeProviderKey(KeyId gatewayKey, ProviderId provider) {
        try {
            return database.removeProviderKey(gatewayKey, provider);
        } finally {
            cache.evict(gatewayKey.value());
        }
    }

    @Override
    public void createAccount(Account account, ManagementKey managementKey) {
        database.createAccount(account, managementKey);
    }

    @Override
    public Optional<ManagementKey> findManagementKey(KeyId id) {
        return database.findManagementKey(id);
    }

    @Override
    public List<GatewayKey> listGatewayKeys(AccountId account) {
        return database.listGatewayKeys(account);
    }
}
