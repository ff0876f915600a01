package io.keyway.domain.port;

import io.keyway.domain.keys.KeyId;
import io.keyway.domain.model.Account;
import io.keyway.domain.model.AccountId;
import io.keyway.domain.keys.Verifier;
import io.keyway.domain.model.GatewayKey;
import io.keyway.domain.model.GatewayKeyRotation;
import io.keyway.domain.model.KeyLimits;
import io.keyway.domain.model.ManagementKey;
import io.keyway.domain.model.ProviderId;
import io.keyway.domain.model.SealedProviderKey;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Where accounts and keys are kept. It only ever sees verifiers and sealed provider keys: nothing it stores can
 * authenticate a caller or reveal a provider key. Any method may throw {@link KeyVaultUnavailable} when the storage
 * cannot be reached.
 */
public interface KeyVault {
    /** Stores a new account with its first management key, both or neither. */
    void createAccount(Account account, ManagementKey managementKey);

    Optional<ManagementKey> findManagementKey(KeyId id);

    /** Stores a new gateway key with the provider keys it carries, all or nothing. */
    void createGatewayKey(GatewayKey key);

    Optional<GatewayKey> findGatewayKey(KeyId id);

    /**
     * The same answer as {@link #findGatewayKey}, without blocking the caller: complete at once when the vault has the
     * record at hand, later when it must be fetched. The per-request path uses it, so that a key in memory costs no
     * thread hop. It fails with {@link KeyVaultUnavailable} when the storage cannot be reached.
     */
    default CompletionStage<Optional<GatewayKey>> lookUpGatewayKey(KeyId id) {
        try {
            return CompletableFuture.completedFuture(findGatewayKey(id));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    List<GatewayKey> listGatewayKeys(AccountId account);

    /** Deletes a gateway key and everything sealed under it; false when the account has no such key. */
    boolean deleteGatewayKey(AccountId account, KeyId id);

    /**
     * Attaches or replaces a provider key on a gateway key, sealed under the secret whose verifier is
     * {@code sealedUnder}; false when the gateway key no longer exists or its secret has been rotated since.
     */
    boolean putProviderKey(KeyId gatewayKey, Verifier sealedUnder, SealedProviderKey providerKey);

    /**
     * Detaches a provider key, checking under the key's row lock that the gateway key is still the one whose secret
     * {@code presentedUnder} verifies (as {@link #putProviderKey} does); false when none was attached, or the key is
     * gone or was rotated meanwhile.
     */
    boolean removeProviderKey(KeyId gatewayKey, Verifier presentedUnder, ProviderId provider);

    /**
     * Gives a gateway key its new secret and re-sealed provider keys, all or nothing; false when the key is gone or
     * no longer what the rotation started from (another rotation or a provider-key change came first).
     */
    boolean rotateGatewayKey(GatewayKeyRotation rotation);

    /** Every account, oldest first. */
    /** Replaces a gateway key's limits (and tells every instance); false when the account holds no such key. */
    boolean setLimits(AccountId account, KeyId id, KeyLimits limits);

    List<Account> listAccounts();

    Optional<Account> findAccount(AccountId id);

    /** Deletes an account with every key it holds, all at once; false when there is no such account. */
    boolean deleteAccount(AccountId id);

    /** Adds a management key to an existing account; false when the account does not exist. */
    boolean addManagementKey(ManagementKey key);

    /** An account's management keys, oldest first. */
    List<ManagementKey> listManagementKeys(AccountId account);

    /** Deletes one of an account's management keys; false when the account has no such key. */
    boolean deleteManagementKey(AccountId account, KeyId id);

    /** Gives a management key a new verifier; false when the key is gone or its verifier is no longer {@code replaced}. */
    boolean replaceManagementKeyVerifier(KeyId id, Verifier replaced, Verifier next);
}
