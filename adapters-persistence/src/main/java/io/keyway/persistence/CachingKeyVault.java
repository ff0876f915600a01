package io.keyway.persistence;

import io.keyway.domain.keys.Verifier;
import io.keyway.domain.model.GatewayKeyRotation;

import io.keyway.domain.keys.KeyId;
import io.keyway.domain.model.Account;
import io.keyway.domain.model.AccountId;
import io.keyway.domain.model.GatewayKey;
import io.keyway.domain.model.ManagementKey;
import io.keyway.domain.model.ProviderId;
import io.keyway.domain.model.SealedProviderKey;
import io.keyway.domain.port.KeyVault;
import io.micronaut.context.annotation.Primary;
import io.micronaut.scheduling.TaskExecutors;
import jakarta.inject.Named;
import jakarta.inject.Singleton;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.function.Supplier;

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
    private final Executor blocking;
    private final Map<String, Load> loading = new ConcurrentHashMap<>();

    CachingKeyVault(PostgresKeyVault database, KeyRecordCache cache, @Named(TaskExecutors.BLOCKING) ExecutorService blocking) {
        this.database = database;
        this.cache = cache;
        this.blocking = blocking;
    }

    @Override
    public Optional<GatewayKey> findGatewayKey(KeyId id) {
        return cache.find(id.value(), () -> DatabaseFailures.translate(() -> database.findGatewayKey(id)));
    }

    /** A load in flight, and how many evictions the cache had seen when it started. */
    private record Load(long evictionsBefore, CompletableFuture<Optional<GatewayKey>> result) {
    }

    /**
     * At once from memory; a miss is loaded on the blocking executor, the only time this path leaves the caller's
     * thread. Concurrent misses of one key share one load (when a busy key's entry reaches its maximum age, its
     * callers wait for one query instead of queueing one each for the pool), but only a load that started after the
     * last eviction: a caller never joins a read that a change has since overtaken.
     */
    @Override
    public CompletionStage<Optional<GatewayKey>> lookUpGatewayKey(KeyId id) {
        KeyRecordCache.Known known = cache.atHand(id.value());
        if (known != null) {
            return CompletableFuture.completedFuture(known.key());
        }
        KeyRecordCache.Known standIn = cache.standIn(id.value());
        if (standIn != null) {
            // The database did not answer the last read: the record read before stands in at once, and one read per
            // key (shared, in the background) finds out whether the database is back.
            load(id);
            return CompletableFuture.completedFuture(standIn.key());
        }
        return load(id).thenApply(found -> found);
    }

    /** The read of one key's record, shared by the callers that miss it at once. */
    private CompletableFuture<Optional<GatewayKey>> load(KeyId id) {
        Load mine = new Load(cache.evictions(), new CompletableFuture<>());
        Load running = loading.compute(id.value(),
                (key, current) -> current != null && current.evictionsBefore() == mine.evictionsBefore() ? current : mine);
        if (running == mine) {
            try {
                blocking.execute(() -> {
                    try {
                        mine.result().complete(cache.load(id.value(), () -> DatabaseFailures.translate(() -> database.findGatewayKey(id))));
                    } catch (RuntimeException e) {
                        mine.result().completeExceptionally(e);
                    } finally {
                        loading.remove(id.value(), mine);
                    }
                });
            } catch (RuntimeException rejected) {
                loading.remove(id.value(), mine);
                mine.result().completeExceptionally(rejected);
            }
        }
        // Each caller gets its own stage (see lookUpGatewayKey): one giving up must not cancel the load the others wait for.
        return running.result();
    }

    @Override
    public void createGatewayKey(GatewayKey key) {
        change(key.id(), () -> {
            database.createGatewayKey(key);
            return null;
        });
    }

    @Override
    public boolean deleteGatewayKey(AccountId account, KeyId id) {
        return change(id, () -> database.deleteGatewayKey(account, id));
    }

    @Override
    public boolean setLimits(AccountId account, KeyId id, io.keyway.domain.model.KeyLimits limits) {
        return change(id, () -> database.setLimits(account, id, limits));
    }

    @Override
    public boolean putProviderKey(KeyId gatewayKey, Verifier sealedUnder, SealedProviderKey providerKey) {
        return change(gatewayKey, () -> database.putProviderKey(gatewayKey, sealedUnder, providerKey));
    }

    @Override
    public boolean removeProviderKey(KeyId gatewayKey, Verifier presentedUnder, ProviderId provider) {
        return change(gatewayKey, () -> database.removeProviderKey(gatewayKey, presentedUnder, provider));
    }

    /** A change to one gateway key; its cached record is evicted once the change has committed (or failed). */
    private <T> T change(KeyId key, Supplier<T> write) {
        try {
            return DatabaseFailures.translate(write);
        } finally {
            cache.evict(key.value());
        }
    }

    @Override
    public void createAccount(Account account, ManagementKey managementKey) {
        DatabaseFailures.translate(() -> {
            database.createAccount(account, managementKey);
            return null;
        });
    }

    @Override
    public Optional<ManagementKey> findManagementKey(KeyId id) {
        return DatabaseFailures.translate(() -> database.findManagementKey(id));
    }

    @Override
    public List<GatewayKey> listGatewayKeys(AccountId account) {
        return DatabaseFailures.translate(() -> database.listGatewayKeys(account));
    }

    @Override
    public boolean rotateGatewayKey(GatewayKeyRotation rotation) {
        return change(rotation.id(), () -> database.rotateGatewayKey(rotation));
    }

    @Override
    public List<Account> listAccounts() {
        return DatabaseFailures.translate(database::listAccounts);
    }

    @Override
    public Optional<Account> findAccount(AccountId id) {
        return DatabaseFailures.translate(() -> database.findAccount(id));
    }

    /** Every key of the account is evicted here once the deletion has committed; other instances evict on its notifications. */
    @Override
    public boolean deleteAccount(AccountId id) {
        Optional<List<String>> deleted = DatabaseFailures.translate(() -> database.deleteAccountWithItsKeys(id));
        deleted.ifPresent(keys -> keys.forEach(cache::evict));
        return deleted.isPresent();
    }

    @Override
    public boolean addManagementKey(ManagementKey key) {
        return DatabaseFailures.translate(() -> database.addManagementKey(key));
    }

    @Override
    public List<ManagementKey> listManagementKeys(AccountId account) {
        return DatabaseFailures.translate(() -> database.listManagementKeys(account));
    }

    @Override
    public boolean deleteManagementKey(AccountId account, KeyId id) {
        return DatabaseFailures.translate(() -> database.deleteManagementKey(account, id));
    }

    @Override
    public boolean replaceManagementKeyVerifier(KeyId id, Verifier replaced, Verifier next) {
        return DatabaseFailures.translate(() -> database.replaceManagementKeyVerifier(id, replaced, next));
    }
}
