package io.keyway.domain.port;

import io.keyway.domain.keys.KeyId;
import io.keyway.domain.keys.Verifier;
import io.keyway.domain.model.Account;
import io.keyway.domain.model.AccountId;
import io.keyway.domain.model.GatewayKey;
import io.keyway.domain.model.GatewayKeyRotation;
import io.keyway.domain.model.ManagementKey;
import io.keyway.domain.model.ProviderId;
import io.keyway.domain.model.SealedProviderKey;
import io.keyway.domain.model.SealedSecret;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What every {@link KeyVault} owes its callers, whatever it stores in. A vault's test extends this class and says
 * how to get a vault; each test makes its own accounts, so vaults may be shared and need not be emptied.
 */
public abstract class KeyVaultContract {
    private static final ProviderId OTHER = new ProviderId("other");
    private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);

    /** The vault under test. */
    protected abstract KeyVault vault();

    private KeyVault vault;

    @BeforeEach
    void takeTheVault() {
        vault = vault();
    }

    private static KeyId keyId() {
        byte[] bytes = new byte[8];
        ThreadLocalRandom.current().nextBytes(bytes);
        return new KeyId(HexFormat.of().formatHex(bytes));
    }

    private static byte[] bytes(int length) {
        byte[] bytes = new byte[length];
        ThreadLocalRandom.current().nextBytes(bytes);
        return bytes;
    }

    private AccountId account() {
        Account account = new Account(AccountId.random(), "acme", NOW);
        vault.createAccount(account, new ManagementKey(keyId(), account.id(), new Verifier(bytes(32)), NOW));
        return account.id();
    }

    private static SealedProviderKey sealed(ProviderId provider, Instant at) {
        return new SealedProviderKey(provider, new SealedSecret(bytes(61)), "…" + provider.value().substring(0, 2) + "42", at);
    }

    private static GatewayKey gatewayKey(AccountId account, Instant createdAt, SealedProviderKey... providerKeys) {
        Map<ProviderId, SealedProviderKey> carried = new java.util.HashMap<>();
        for (SealedProviderKey key : providerKeys) {
            carried.put(key.provider(), key);
        }
        return new GatewayKey(keyId(), account, "laptop", new Verifier(bytes(32)), createdAt, carried);
    }

    @Test
    void anAccountsManagementKeyIsFoundAsItWasStored() {
        Account account = new Account(AccountId.random(), "acme", NOW);
        ManagementKey key = new ManagementKey(keyId(), account.id(), new Verifier(bytes(32)), NOW);
        vault.createAccount(account, key);

        assertEquals(Optional.of(key), vault.findManagementKey(key.id()));
        assertEquals(Optional.empty(), vault.findManagementKey(keyId()));
    }

    @Test
    void aGatewayKeyIsFoundWithEveryProviderKeyItCarries() {
        GatewayKey key = gatewayKey(account(), NOW, sealed(ProviderId.OPENROUTER, NOW), sealed(OTHER, NOW));
        vault.createGatewayKey(key);

        assertEquals(Optional.of(key), vault.findGatewayKey(key.id()));
        assertEquals(Optional.empty(), vault.findGatewayKey(keyId()));
    }

    @Test
    void anAccountListsItsOwnKeysOnlyOldestFirst() {
        AccountId mine = account();
        AccountId theirs = account();
        GatewayKey newer = gatewayKey(mine, NOW.plusSeconds(60), sealed(ProviderId.OPENROUTER, NOW));
        GatewayKey older = gatewayKey(mine, NOW);
        vault.createGatewayKey(newer);
        vault.createGatewayKey(older);
        vault.createGatewayKey(gatewayKey(theirs, NOW));

        assertEquals(List.of(older, newer), vault.listGatewayKeys(mine));
        assertEquals(List.of(), vault.listGatewayKeys(AccountId.random()));
    }

    @Test
    void limitsAreStoredWithTheKeyChangedOnlyByItsAccountAndKeptThroughOtherChanges() {
        AccountId owner = account();
        GatewayKey key = gatewayKey(owner, NOW).withLimits(new io.keyway.domain.model.KeyLimits(60L, null, new java.math.BigDecimal("12.50")));
        vault.createGatewayKey(key);
        assertEquals(key.limits(), vault.findGatewayKey(key.id()).orElseThrow().limits());

        io.keyway.domain.model.KeyLimits changed = new io.keyway.domain.model.KeyLimits(null, 5000L, new java.math.BigDecimal("0.000001"));
        assertFalse(vault.setLimits(account(), key.id(), changed), "another account cannot change them");
        assertTrue(vault.setLimits(owner, key.id(), changed));
        assertEquals(changed, vault.findGatewayKey(key.id()).orElseThrow().limits());
        assertTrue(vault.putProviderKey(key.id(), key.verifier(), sealed(ProviderId.OPENROUTER, NOW)));
        assertEquals(changed, vault.findGatewayKey(key.id()).orElseThrow().limits(), "a provider key change keeps them");
        assertEquals(changed, vault.listGatewayKeys(owner).get(0).limits());
        assertTrue(vault.setLimits(owner, key.id(), io.keyway.domain.model.KeyLimits.NONE));
        assertEquals(io.keyway.domain.model.KeyLimits.NONE, vault.findGatewayKey(key.id()).orElseThrow().limits());
    }

    @Test
    void aKeyIsDeletedOnlyByItsOwnAccountAndOnlyOnce() {
        AccountId owner = account();
        AccountId stranger = account();
        GatewayKey key = gatewayKey(owner, NOW, sealed(ProviderId.OPENROUTER, NOW));
        vault.createGatewayKey(key);

        assertFalse(vault.deleteGatewayKey(stranger, key.id()));
        assertTrue(vault.findGatewayKey(key.id()).isPresent());
        assertTrue(vault.deleteGatewayKey(owner, key.id()));
        assertFalse(vault.deleteGatewayKey(owner, key.id()));
        assertEquals(Optional.empty(), vault.findGatewayKey(key.id()));
        assertEquals(List.of(), vault.listGatewayKeys(owner));
    }

    @Test
    void attachingReplacesTheProviderKeyAndDetachingRemovesItOnce() {
        GatewayKey key = gatewayKey(account(), NOW, sealed(OTHER, NOW));
        vault.createGatewayKey(key);
        SealedProviderKey first = sealed(ProviderId.OPENROUTER, NOW);
        SealedProviderKey second = sealed(ProviderId.OPENROUTER, NOW.plusSeconds(5));

        assertTrue(vault.putProviderKey(key.id(), key.verifier(), first));
        assertEquals(Optional.of(first), vault.findGatewayKey(key.id()).orElseThrow().providerKey(ProviderId.OPENROUTER));
        assertTrue(vault.putProviderKey(key.id(), key.verifier(), second));
        assertEquals(Optional.of(second), vault.findGatewayKey(key.id()).orElseThrow().providerKey(ProviderId.OPENROUTER));

        assertFalse(vault.removeProviderKey(key.id(), new Verifier(bytes(32)), ProviderId.OPENROUTER),
                "a provider key was removed under another secret's verifier");
        assertTrue(vault.removeProviderKey(key.id(), key.verifier(), ProviderId.OPENROUTER));
        assertFalse(vault.removeProviderKey(key.id(), key.verifier(), ProviderId.OPENROUTER));
        assertEquals(key, vault.findGatewayKey(key.id()).orElseThrow(), "detaching one provider key touched another");
    }

    @Test
    void noProviderKeyIsAttachedToAKeyThatIsGone() {
        AccountId owner = account();
        GatewayKey key = gatewayKey(owner, NOW);
        vault.createGatewayKey(key);
        assertTrue(vault.deleteGatewayKey(owner, key.id()));

        assertFalse(vault.putProviderKey(key.id(), key.verifier(), sealed(ProviderId.OPENROUTER, NOW)));
        assertFalse(vault.putProviderKey(keyId(), new Verifier(bytes(32)), sealed(ProviderId.OPENROUTER, NOW)));
        assertFalse(vault.removeProviderKey(key.id(), key.verifier(), ProviderId.OPENROUTER));
        assertEquals(Optional.empty(), vault.findGatewayKey(key.id()));
    }

    @Test
    void aKeyDeletedWhileProviderKeysAreAttachedStaysDeletedWithNothingLeftBehind() throws Exception {
        AccountId owner = account();
        GatewayKey key = gatewayKey(owner, NOW);
        vault.createGatewayKey(key);
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Boolean>> attaches = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                ProviderId provider = new ProviderId("p" + i);
                attaches.add(threads.submit(() -> {
                    start.await();
                    return vault.putProviderKey(key.id(), key.verifier(), sealed(provider, NOW));
                }));
            }
            Future<Boolean> delete = threads.submit(() -> {
                start.await();
                return vault.deleteGatewayKey(owner, key.id());
            });
            start.countDown();
            assertTrue(delete.get(10, TimeUnit.SECONDS));
            for (Future<Boolean> attach : attaches) {
                attach.get(10, TimeUnit.SECONDS);
            }
        } finally {
            threads.shutdownNow();
        }
        assertEquals(Optional.empty(), vault.findGatewayKey(key.id()));
        assertFalse(vault.putProviderKey(key.id(), key.verifier(), sealed(ProviderId.OPENROUTER, NOW)));
        assertEquals(List.of(), vault.listGatewayKeys(owner));
    }

    private static Map<ProviderId, SealedSecret> seals(GatewayKey key) {
        Map<ProviderId, SealedSecret> seals = new java.util.HashMap<>();
        key.providerKeys().forEach((provider, sealed) -> seals.put(provider, sealed.sealed()));
        return seals;
    }

    private static Map<ProviderId, SealedProviderKey> resealed(GatewayKey key) {
        Map<ProviderId, SealedProviderKey> next = new java.util.HashMap<>();
        key.providerKeys().forEach((provider, sealed) -> next.put(provider, new SealedProviderKey(provider, new SealedSecret(bytes(61)),
                sealed.hint(), sealed.updatedAt())));
        return next;
    }

    @Test
    void aKeysExpiryIsKeptAsStored() {
        GatewayKey plain = gatewayKey(account(), NOW);
        GatewayKey expiring = new GatewayKey(keyId(), plain.account(), "ci", new Verifier(bytes(32)), NOW, Map.of(),
                NOW.plusSeconds(3600), null);
        vault.createGatewayKey(plain);
        vault.createGatewayKey(expiring);

        assertEquals(Optional.of(NOW.plusSeconds(3600)), vault.findGatewayKey(expiring.id()).orElseThrow().expiry());
        assertEquals(Optional.empty(), vault.findGatewayKey(plain.id()).orElseThrow().expiry());
    }

    @Test
    void aRotationReplacesTheVerifierAndEverySealAtOnce() {
        GatewayKey key = gatewayKey(account(), NOW, sealed(ProviderId.OPENROUTER, NOW), sealed(OTHER, NOW));
        vault.createGatewayKey(key);
        Verifier next = new Verifier(bytes(32));
        Map<ProviderId, SealedProviderKey> resealed = resealed(key);

        assertTrue(vault.rotateGatewayKey(new GatewayKeyRotation(key.id(), key.verifier(), seals(key), next, resealed, null)));

        GatewayKey rotated = vault.findGatewayKey(key.id()).orElseThrow();
        assertEquals(next, rotated.verifier());
        assertEquals(resealed, rotated.providerKeys());
        assertEquals(Optional.empty(), rotated.previousSecret());
        assertEquals(key.createdAt(), rotated.createdAt());
    }

    @Test
    void aRotationWithAGracePeriodKeepsTheReplacedSecretsVerifierAndSealsUntilAProviderKeyChanges() {
        GatewayKey key = gatewayKey(account(), NOW, sealed(ProviderId.OPENROUTER, NOW), sealed(OTHER, NOW));
        vault.createGatewayKey(key);
        Verifier next = new Verifier(bytes(32));

        assertTrue(vault.rotateGatewayKey(new GatewayKeyRotation(key.id(), key.verifier(), seals(key), next, resealed(key),
                NOW.plusSeconds(300))));

        GatewayKey.PreviousSecret previous = vault.findGatewayKey(key.id()).orElseThrow().previousSecret().orElseThrow();
        assertEquals(new GatewayKey.PreviousSecret(key.verifier(), NOW.plusSeconds(300), key.providerKeys()), previous);

        assertTrue(vault.putProviderKey(key.id(), next, sealed(ProviderId.OPENROUTER, NOW.plusSeconds(1))));
        assertEquals(Map.of(OTHER, key.providerKeys().get(OTHER)),
                vault.findGatewayKey(key.id()).orElseThrow().previousSecret().orElseThrow().providerKeys(),
                "a provider key replaced after the rotation must not stay readable by the replaced secret");
    }

    @Test
    void aRotationStartedFromAnOlderStateChangesNothing() {
        GatewayKey key = gatewayKey(account(), NOW, sealed(ProviderId.OPENROUTER, NOW));
        vault.createGatewayKey(key);
        Map<ProviderId, SealedSecret> readBefore = seals(key);
        assertTrue(vault.putProviderKey(key.id(), key.verifier(), sealed(OTHER, NOW)));
        GatewayKey afterAttach = vault.findGatewayKey(key.id()).orElseThrow();

        assertFalse(vault.rotateGatewayKey(new GatewayKeyRotation(key.id(), key.verifier(), readBefore, new Verifier(bytes(32)),
                resealed(key), null)), "a provider key attached after the rotation read the key would stay sealed under the old secret");
        assertFalse(vault.rotateGatewayKey(new GatewayKeyRotation(key.id(), new Verifier(bytes(32)), seals(afterAttach),
                new Verifier(bytes(32)), resealed(afterAttach), null)), "another rotation came first");
        assertFalse(vault.rotateGatewayKey(new GatewayKeyRotation(keyId(), key.verifier(), Map.of(), new Verifier(bytes(32)), Map.of(), null)));
        assertEquals(afterAttach, vault.findGatewayKey(key.id()).orElseThrow());
    }

    @Test
    void noProviderKeyIsAttachedUnderASecretThatWasRotatedAway() {
        GatewayKey key = gatewayKey(account(), NOW);
        vault.createGatewayKey(key);
        assertTrue(vault.rotateGatewayKey(new GatewayKeyRotation(key.id(), key.verifier(), Map.of(), new Verifier(bytes(32)), Map.of(), null)));

        assertFalse(vault.putProviderKey(key.id(), key.verifier(), sealed(ProviderId.OPENROUTER, NOW)));
        assertEquals(Map.of(), vault.findGatewayKey(key.id()).orElseThrow().providerKeys());
    }

    @Test
    void deletingAnAccountTakesEveryKeyItHeldAtOnce() {
        AccountId owner = account();
        AccountId other = account();
        GatewayKey one = gatewayKey(owner, NOW, sealed(ProviderId.OPENROUTER, NOW));
        GatewayKey two = gatewayKey(owner, NOW);
        GatewayKey theirs = gatewayKey(other, NOW);
        List.of(one, two, theirs).forEach(vault::createGatewayKey);
        ManagementKey extra = new ManagementKey(keyId(), owner, new Verifier(bytes(32)), NOW.plusSeconds(1));
        assertTrue(vault.addManagementKey(extra));

        assertTrue(vault.deleteAccount(owner));

        assertFalse(vault.deleteAccount(owner));
        assertEquals(Optional.empty(), vault.findAccount(owner));
        assertEquals(Optional.empty(), vault.findGatewayKey(one.id()));
        assertEquals(Optional.empty(), vault.findGatewayKey(two.id()));
        assertEquals(Optional.empty(), vault.findManagementKey(extra.id()));
        assertEquals(List.of(), vault.listManagementKeys(owner));
        assertEquals(Optional.of(theirs), vault.findGatewayKey(theirs.id()));
        assertFalse(vault.addManagementKey(new ManagementKey(keyId(), owner, new Verifier(bytes(32)), NOW)));
    }

    @Test
    void anAccountsManagementKeysAreListedAddedDeletedAndRotatedByItsOwnOnly() {
        AccountId owner = account();
        AccountId stranger = account();
        ManagementKey second = new ManagementKey(keyId(), owner, new Verifier(bytes(32)), NOW.plusSeconds(5));
        assertTrue(vault.addManagementKey(second));
        List<ManagementKey> keys = vault.listManagementKeys(owner);
        assertEquals(2, keys.size());
        assertEquals(second, keys.get(1));
        assertTrue(vault.findAccount(owner).isPresent());
        assertTrue(vault.listAccounts().stream().anyMatch(account -> account.id().equals(owner)));

        assertFalse(vault.deleteManagementKey(stranger, second.id()));
        Verifier next = new Verifier(bytes(32));
        assertFalse(vault.replaceManagementKeyVerifier(second.id(), new Verifier(bytes(32)), next));
        assertTrue(vault.replaceManagementKeyVerifier(second.id(), second.verifier(), next));
        assertEquals(next, vault.findManagementKey(second.id()).orElseThrow().verifier());

        assertTrue(vault.deleteManagementKey(owner, second.id()));
        assertFalse(vault.deleteManagementKey(owner, second.id()));
        assertEquals(Optional.empty(), vault.findManagementKey(second.id()));
    }
}
