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
import java.util.UUID;

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
    private final AuditSql audit;

    PostgresKeyVault(Repositories.AccountRows accounts, Repositories.ManagementKeyRows managementKeys,
                     Repositories.GatewayKeyRows gatewayKeys, KeySql providerKeys, AuditSql audit) {
        this.accounts = accounts;
        this.managementKeys = managementKeys;
        this.gatewayKeys = gatewayKeys;
        this.providerKeys = providerKeys;
        this.audit = audit;
    }

    /** A provider key's last four characters, from its stored hint ("…WXYZ"). */
    private static String lastFour(String hint) {
        if (hint == null) {
            return null;
        }
        String plain = hint.replace("\u2026", "");
        return plain.length() <= 4 ? plain : plain.substring(plain.length() - 4);
    }

    private static Map<String, Object> change(Object... pairs) {
        Map<String, Object> change = new java.util.LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            change.put((String) pairs[i], pairs[i + 1]);
        }
        return change;
    }

    @Override
    @Transactional
    public void createAccount(Account account, ManagementKey key) {
        accounts.save(KeyRows.row(account));
        managementKeys.save(KeyRows.row(key));
        audit.append(account.id().value(), "account.created", null, null, change("name", account.name()));
        audit.append(account.id().value(), "management_key.created", key.id().value(), null, change());
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
        audit.append(key.account().value(), "gateway_key.created", key.id().value(), null, change("name", key.name(),
                "expires_at", key.expiresAt() == null ? null : key.expiresAt().getEpochSecond(),
                "requests_per_minute", key.limits().requestsPerMinute(), "tokens_per_day", key.limits().tokensPerDay(),
                "cost_per_month", key.limits().costPerMonth()));
        key.providerKeys().values().stream().sorted(Comparator.comparing(providerKey -> providerKey.provider().value())).forEach(providerKey ->
                audit.append(key.account().value(), "provider_key.attached", key.id().value(), providerKey.provider().value(),
                        change("last_four", lastFour(providerKey.hint()))));
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
            audit.append(account.value(), "gateway_key.revoked", id.value(), null, change());
        }
        return deleted;
    }

    @Override
    @Transactional
    public boolean setLimits(AccountId account, KeyId id, KeyLimits limits) {
        Optional<KeyLimits> before = providerKeys.lockedLimits(account.value(), id.value());
        boolean set = providerKeys.setLimits(account.value(), id.value(), limits);
        if (set) {
            providerKeys.notifyChanged(id.value());
            KeyLimits old = before.orElse(KeyLimits.NONE);
            audit.append(account.value(), "gateway_key.limits_changed", id.value(), null, change(
                    "old_requests_per_minute", old.requestsPerMinute(), "old_tokens_per_day", old.tokensPerDay(), "old_cost_per_month", old.costPerMonth(),
                    "requests_per_minute", limits.requestsPerMinute(), "tokens_per_day", limits.tokensPerDay(), "cost_per_month", limits.costPerMonth()));
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
        Optional<String> replaced = audit.hintOf(gatewayKey.value(), providerKey.provider().value());
        providerKeys.upsert(KeyRows.row(gatewayKey, providerKey));
        providerKeys.notifyChanged(gatewayKey.value());
        UUID account = audit.accountOfGatewayKey(gatewayKey.value()).orElseThrow();
        if (replaced.isPresent()) {
            audit.append(account, "provider_key.replaced", gatewayKey.value(), providerKey.provider().value(),
                    change("old_last_four", lastFour(replaced.get()), "last_four", lastFour(providerKey.hint())));
        } else {
            audit.append(account, "provider_key.attached", gatewayKey.value(), providerKey.provider().value(), change("last_four", lastFour(providerKey.hint())));
        }
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
        Optional<String> hint = audit.hintOf(gatewayKey.value(), provider.value());
        boolean removed = providerKeys.delete(gatewayKey.value(), provider.value());
        if (removed) {
            providerKeys.notifyChanged(gatewayKey.value());
            audit.append(audit.accountOfGatewayKey(gatewayKey.value()).orElseThrow(), "provider_key.detached", gatewayKey.value(),
                    provider.value(), change("last_four", hint.map(PostgresKeyVault::lastFour).orElse(null)));
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
        audit.append(audit.accountOfGatewayKey(id).orElseThrow(), "gateway_key.rotated", id, null,
                change("grace_until", grace ? rotation.graceUntil().getEpochSecond() : null));
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
        audit.append(id.value(), "account.deleted", null, null, change("gateway_keys_deleted", keys.size()));
        return Optional.of(keys);
    }

    @Override
    @Transactional
    public boolean addManagementKey(ManagementKey key) {
        if (!accounts.existsById(key.account().value())) {
            return false;
        }
        managementKeys.save(KeyRows.row(key));
        audit.append(key.account().value(), "management_key.created", key.id().value(), null, change());
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
        boolean deleted = managementKeys.deleteByKeyIdAndAccountId(id.value(), account.value()) > 0;
        if (deleted) {
            audit.append(account.value(), "management_key.revoked", id.value(), null, change());
        }
        return deleted;
    }

    @Override
    @Transactional
    public boolean replaceManagementKeyVerifier(KeyId id, Verifier replaced, Verifier next) {
        Optional<UUID> account = audit.accountOfManagementKey(id.value());
        boolean rotated = providerKeys.replaceManagementVerifier(id.value(), replaced.value(), next.value());
        if (rotated) {
            audit.append(account.orElseThrow(), "management_key.rotated", id.value(), null, change());
        }
        return rotated;
    }
}
