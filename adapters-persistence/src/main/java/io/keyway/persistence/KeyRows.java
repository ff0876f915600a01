package io.keyway.persistence;

import io.keyway.domain.keys.KeyId;
import io.keyway.domain.keys.Verifier;
import io.keyway.domain.model.Account;
import io.keyway.domain.model.AccountId;
import io.keyway.domain.model.GatewayKey;
import io.keyway.domain.model.KeyLimits;
import io.keyway.domain.model.ManagementKey;
import io.keyway.domain.model.ProviderId;
import io.keyway.domain.model.SealedProviderKey;
import io.keyway.domain.model.SealedSecret;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The one place where rows and domain values meet, both ways. The queries ({@link KeySql}, {@link Repositories})
 * speak rows only; {@link PostgresKeyVault} speaks the domain and maps here.
 */
final class KeyRows {
    private KeyRows() {
    }

    static AccountRow row(Account account) {
        return new AccountRow(account.id().value(), account.name(), account.createdAt());
    }

    static ManagementKeyRow row(ManagementKey key) {
        return new ManagementKeyRow(key.id().value(), key.account().value(), key.verifier().value(), key.createdAt());
    }

    static GatewayKeyRow row(GatewayKey key) {
        GatewayKey.PreviousSecret previous = key.previous();
        return new GatewayKeyRow(key.id().value(), key.account().value(), key.name(), key.verifier().value(), key.createdAt(),
                key.expiresAt(), previous == null ? null : previous.verifier().value(), previous == null ? null : previous.validUntil(),
                key.limits().requestsPerMinute(), key.limits().tokensPerDay(), key.limits().costPerMonth());
    }

    /** A provider key's row as attached now: no copy under a replaced secret. */
    static ProviderKeyRow row(KeyId gatewayKey, SealedProviderKey key) {
        return new ProviderKeyRow(gatewayKey.value(), key.provider().value(), key.sealed().blob(), key.hint(), key.updatedAt(), null);
    }

    static ManagementKey managementKey(ManagementKeyRow row) {
        return new ManagementKey(new KeyId(row.keyId()), new AccountId(row.accountId()), new Verifier(row.verifier()), row.createdAt());
    }

    /** A gateway key with the provider keys sealed under it. */
    static GatewayKey gatewayKey(GatewayKeyRow row, List<ProviderKeyRow> providerKeys) {
        Map<ProviderId, SealedProviderKey> sealed = new HashMap<>();
        Map<ProviderId, SealedProviderKey> sealedBefore = new HashMap<>();
        for (ProviderKeyRow providerKey : providerKeys) {
            SealedProviderKey key = providerKey(providerKey);
            sealed.put(key.provider(), key);
            if (providerKey.previousSealed() != null) {
                sealedBefore.put(key.provider(), new SealedProviderKey(key.provider(), new SealedSecret(providerKey.previousSealed()),
                        key.hint(), key.updatedAt()));
            }
        }
        GatewayKey.PreviousSecret previous = row.previousVerifier() == null || row.previousValidUntil() == null ? null
                : new GatewayKey.PreviousSecret(new Verifier(row.previousVerifier()), row.previousValidUntil(), sealedBefore);
        return new GatewayKey(new KeyId(row.keyId()), new AccountId(row.accountId()), row.name(),
                new Verifier(row.verifier()), row.createdAt(), sealed, row.expiresAt(), previous,
                new KeyLimits(row.limitRequestsPerMinute(), row.limitTokensPerDay(), row.limitCostPerMonth()));
    }

    static Account account(AccountRow row) {
        return new Account(new AccountId(row.id()), row.name(), row.createdAt());
    }

    /** Gateway keys, in the order given, each with the provider keys among {@code providerKeys} sealed under it. */
    static List<GatewayKey> gatewayKeys(List<GatewayKeyRow> rows, List<ProviderKeyRow> providerKeys) {
        Map<String, List<ProviderKeyRow>> byKey = providerKeys.stream().collect(Collectors.groupingBy(ProviderKeyRow::keyId));
        return rows.stream().map(row -> gatewayKey(row, byKey.getOrDefault(row.keyId(), List.of()))).toList();
    }

    private static SealedProviderKey providerKey(ProviderKeyRow row) {
        return new SealedProviderKey(new ProviderId(row.provider()), new SealedSecret(row.sealed()), row.hint(), row.updatedAt());
    }
}
