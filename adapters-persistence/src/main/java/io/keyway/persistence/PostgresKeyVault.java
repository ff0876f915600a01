package io.keyway.persistence;

import io.keyway.domain.keys.KeyId;
import io.keyway.domain.model.Account;
import io.keyway.domain.model.AccountId;
import io.keyway.domain.model.GatewayKey;
import io.keyway.domain.model.KeyLimits;
import io.keyway.domain.model.ManagementKey;
import io.keyway.domain.model.ProviderId;
import io.keyway.domain.model.SealedProviderKey;
import io.keyway.domain.port.KeyVault;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Singleton;

import io.keyway.domain.keys.Verifier;
import io.keyway.domain.model.GatewayKeyRotation;
import io.keyway.domain.model.SealedSecret;

import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
    public boolean setLimits(AccountId account, KeyId id, KeyLimits limits) {
        boolean set = providerKeys.setLimits(account.value(), id.value(), limits);
        if (set) {
            providerKeys.notifyChanged(id.value());
        }
        return set;
    }

    @Override
    @Transactional
    public boolean putProviderKey(KeyId gatewayKey, Verifier sealedUnder, SealedProviderKey providerKey) {
        // The lock keeps a concurrent delete or rotation of the gateway key from slipping between the check and the insert.
        Optional<byte[]> verifier = providerKeys.lockedVerifier(gatewayKey.value());
        if (verifier.isEmpty() || !new Verifier(verifier.get()).equals(sealedUnder)) {
            return false;
        }
        providerKeys.upsert(KeyRows.row(gatewayKey, providerKey));
        providerKeys.notifyChanged(gatewayKey.value());
        return true;
    }

    @Override
    @Transactional
    public boolean removeProviderKey(KeyId gatewayKey, Verifier presentedUnder, ProviderId provider) {
        // The same lock as an attach: a rotation or deletion cannot slip between the check and the delete.
        Optional<byte[]> verifier = providerKeys.lockedVerifier(gatewayKey.value());
        if (verifier.isEmpty() || !new Verifier(verifier.get()).equals(presentedUnder)) {
            return false;
        }
        boolean removed = providerKeys.delete(gatewayKey.value(), provider.value());
        if (removed) {
            providerKeys.notifyChanged(gatewayKey.value());
        }
        return removed;
    }

    @Override
    @Transactional
    public boolean rotateGatewayKey(GatewayKeyRotation rotation) {
        String id = rotation.id().value();
        Optional<byte[]> verifier = providerKeys.lockedVerifier(id);
        if (verifier.isEmpty() || !new Verifier(verifier.get()).equals(rotation.replaced())) {
            return false;
        }
        Map<ProviderId, SealedSecret> current = new HashMap<>();
        for (ProviderKeyRow row : providerKeys.ofGatewayKey(id)) {
            current.put(new ProviderId(row.provider()), new SealedSecret(row.sealed()));
        }
        if (!current.equals(rotation.replacedSeals())) {
            return false;
        }
        boolean grace = rotation.graceUntil() != null;
        providerKeys.setVerifiers(id, rotation.verifier().value(), grace ? rotation.replaced().value() : null,
                grace ? Timestamp.from(rotation.graceUntil()) : null);
        rotation.providerKeys().forEach((provider, sealed) -> providerKeys.reseal(id, provider.value(), sealed.sealed().blob(),
                grace ? current.get(provider).blob() : null));
        providerKeys.notifyChanged(id);
        return true;
    }

    @Override
    @Transactional
    public List<Account> listAccounts() {
        List<Account> all = new ArrayList<>();
        accounts.findAll().forEach(row -> all.add(KeyRows.account(row)));
        all.sort(Comparator.comparing(Account::createdAt).thenComparing(account -> account.id().value()));
        return all;
    }

    @Override
    @Transactional
    public Optional<Account> findAccount(AccountId id) {
        return accounts.findById(id.value()).map(KeyRows::account);
    }

    @Override
    @Transactional
    public boolean deleteAccount(AccountId id) {
        return deleteAccountWithItsKeys(id).isPresent();
    }

    /**
     * Deletes an account with every key it holds, each gateway key notified in the same transaction; the ids of those
     * gateway keys (for {@link CachingKeyVault} to evict), or empty when there is no such account.
     */
    @Transactional
    public Optional<List<String>> deleteAccountWithItsKeys(AccountId id) {
        // The lock first: a key created meanwhile is either committed before the list is read (and notified with the
        // others) or refused by the foreign key after the deletion; it is never deleted without its notification.
        if (!providerKeys.lockedAccount(id.value())) {
            return Optional.empty();
        }
        List<String> keys = providerKeys.gatewayKeyIdsOf(id.value());
        accounts.deleteById(id.value());
        keys.forEach(providerKeys::notifyChanged);
        return Optional.of(keys);
    }

    @Override
    @Transactional
    public boolean addManagementKey(ManagementKey key) {
        if (!accounts.existsById(key.account().value())) {
            return false;
        }
        managementKeys.save(KeyRows.row(key));
        return true;
    }

    @Override
    @Transactional
    public List<ManagementKey> listManagementKeys(AccountId account) {
        return managementKeys.findByAccountIdOrderByCreatedAt(account.value()).stream().map(KeyRows::managementKey).toList();
    }

    @Override
    @Transactional
    public boolean deleteManagementKey(AccountId account, KeyId id) {
        return managementKeys.deleteByKeyIdAndAccountId(id.value(), account.value()) > 0;
    }

    @Override
    @Transactional
    public boolean replaceManagementKeyVerifier(KeyId id, Verifier replaced, Verifier next) {
        return providerKeys.replaceManagementVerifier(id.value(), replaced.value(), next.value());
    }
}
