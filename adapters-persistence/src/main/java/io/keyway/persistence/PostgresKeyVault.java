package io.keyway.persistence;

import io.keyway.domain.keys.KeyId;
import io.keyway.domain.model.Account;
import io.keyway.domain.model.AccountId;
import io.keyway.domain.model.GatewayKey;
import io.keyway.domain.model.ManagementKey;
import io.keyway.domain.model.ProviderId;
import io.keyway.domain.model.SealedProviderKey;
import io.keyway.domain.port.KeyVault;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Singleton;

import java.util.List;
import java.util.Optional;

/**
 * The {@link KeyVault} on PostgreSQL. Rows stay inside this package; the domain sees only its own types. Every change
 * to a gateway key is notified to every instance in its own transaction. Keyway uses it through
 * {@link CachingKeyVault}.
 */
@Singleton
class PostgresKeyVault implements KeyVault {
    private final Repositories.AccountRows accounts;
    private final Repositories.ManagementKeyRows managementKeys;
    private final Repositories.GatewayKeyRows gatewayKeys;
    private final KeySql providerKeys;

    PostgresKeyVault(Repositories.AccountRows accounts, Repositories.ManagementKeyRows managementKeys,
                     Repositories.GatewayKeyRows gatewayKeys, KeySql providerKeys) {
        this.accounts = accounts;
        this.managementKeys = managementKeys;
        this.gatewayKeys = gatewayKeys;
        this.providerKeys = providerKeys;
    }

    @Override
    @Transactional
    public void createAccount(Account account, ManagementKey key) {
        accounts.save(KeyRows.row(account));
        managementKeys.save(KeyRows.row(key));
    }

    @Override
    @Transactional
    public Optional<ManagementKey> findManagementKey(KeyId id) {
        return managementKeys.findById(id.value()).map(KeyRows::managementKey);
    }

    @Override
    @Transactional
    public void createGatewayKey(GatewayKey key) {
        gatewayKeys.save(KeyRows.row(key));
        key.providerKeys().values().forEach(providerKey -> providerKeys.upsert(KeyRows.row(key.id(), providerKey)));
        providerKeys.notifyChanged(key.id().value());
    }

    @Override
    @Transactional
    public Optional<GatewayKey> findGatewayKey(KeyId id) {
        return providerKeys.gatewayKeyWithProviderKeys(id.value()).map(rows -> KeyRows.gatewayKey(rows.key(), rows.providerKeys()));
    }

    @Override
    @Transactional
    public List<GatewayKey> listGatewayKeys(AccountId account) {
        return KeyRows.gatewayKeys(gatewayKeys.findByAccountIdOrderByCreatedAt(account.value()), providerKeys.ofAccount(account.value()));
    }

    @Override
    @Transactional
    public boolean deleteGatewayKey(AccountId account, KeyId id) {
        boolean deleted = gatewayKeys.deleteByKeyIdAndAccountId(id.value(), account.value()) > 0;
        if (deleted) {
            providerKeys.notifyChanged(id.value());
        }
        return deleted;
    }

    @Override
    @Transactional
    public boolean putProviderKey(KeyId gatewayKey, SealedProviderKey providerKey) {
        // The lock keeps a concurrent delete of the gateway key from slipping between the check and the insert.
        if (!providerKeys.lockGatewayKey(gatewayKey.value())) {
            return false;
        }
        providerKeys.upsert(KeyRows.row(gatewayKey, providerKey));
        providerKeys.notifyChanged(gatewayKey.value());
        return true;
    }

    @Override
    @Transactional
    public boolean removeProviderKey(KeyId gatewayKey, ProviderId provider) {
        boolean removed = providerKeys.delete(gatewayKey.value(), provider.value());
        if (removed) {
            providerKeys.notifyChanged(gatewayKey.value());
        }
        return removed;
    }
}
