package io.keyway.persistence;

import io.keyway.domain.keys.KeyId;
import io.keyway.domain.keys.Verifier;
import io.keyway.domain.model.Account;
import io.keyway.domain.model.AccountId;
import io.keyway.domain.model.GatewayKey;
import io.keyway.domain.model.ManagementKey;
import io.keyway.domain.port.KeyVault;
import io.keyway.domain.testkit.Await;
import io.keyway.persistence.testkit.TestDatabase;
import io.micronaut.context.ApplicationContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two vaults on one database, caching for a minute: only notifications can make a change seen by the other in time.
 */
class KeyChangeNotificationsTest {
    private static ApplicationContext one;
    private static ApplicationContext other;

    @BeforeAll
    static void start() {
        one = context();
        other = context();
        for (ApplicationContext context : new ApplicationContext[]{one, other}) {
            Await.until(() -> context.getBean(KeyRecordCache.class).trusted(), Duration.ofSeconds(10), "the vault listens for key changes");
        }
    }

    static ApplicationContext context() {
        return ApplicationContext.run(TestDatabase.persistenceContextProperties(Map.of(
                "keyway.key-cache.max-age", "60s", "keyway.key-cache.negative-ttl", "60s")));
    }

    @AfterAll
    static void stop() {
        one.close();
        other.close();
    }

    private static GatewayKey newKey() {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Account account = new Account(AccountId.random(), "notified", now);
        byte[] verifier = new byte[32];
        ThreadLocalRandom.current().nextBytes(verifier);
        one.getBean(KeyVault.class).createAccount(account, new ManagementKey(id(), account.id(), new Verifier(verifier), now));
        return new GatewayKey(id(), account.id(), "k", new Verifier(verifier), now, Map.of());
    }

    private static KeyId id() {
        byte[] bytes = new byte[8];
        ThreadLocalRandom.current().nextBytes(bytes);
        return new KeyId(HexFormat.of().formatHex(bytes));
    }

    @Test
    void anIdRememberedAsUnknownIsFoundOnceAnotherInstanceCreatesIt() {
        GatewayKey key = newKey();
        KeyVault reader = other.getBean(KeyVault.class);
        assertTrue(reader.findGatewayKey(key.id()).isEmpty());
        assertTrue(reader.findGatewayKey(key.id()).isEmpty(), "served from the negative cache");

        one.getBean(KeyVault.class).createGatewayKey(key);

        Await.until(() -> reader.findGatewayKey(key.id()).isPresent(), Duration.ofSeconds(1),
                "the other vault found a key created after it was remembered as unknown");
    }

    @Test
    void aCachedKeyDeletedElsewhereIsGoneWithinASecondAndACacheHitNeedsNoQuery() {
        GatewayKey key = newKey();
        one.getBean(KeyVault.class).createGatewayKey(key);
        KeyVault reader = other.getBean(KeyVault.class);
        KeyRecordCache cache = other.getBean(KeyRecordCache.class);
        assertTrue(reader.findGatewayKey(key.id()).isPresent());
        // The creation's own notification may reach this vault while it reads the key (a read that overlaps an
        // eviction is not kept); once it has, a lookup is served from memory.
        Await.until(() -> {
            long hits = cache.hits();
            return key.equals(reader.findGatewayKey(key.id()).orElseThrow()) && cache.hits() == hits + 1;
        }, Duration.ofSeconds(1), "a lookup served from memory");

        assertTrue(one.getBean(KeyVault.class).deleteGatewayKey(key.account(), key.id()));

        Await.until(() -> reader.findGatewayKey(key.id()).isEmpty(), Duration.ofSeconds(1), "the other vault forgot the deleted key");
    }
    @Test
    void aKeyCreatedWhileItsAccountIsDeletedIsNotifiedWithTheOthers() throws Exception {
        GatewayKey key = newKey();
        KeyVault reader = other.getBean(KeyVault.class);
        // A key creation in flight: its row inserted, not yet committed (it holds a share lock on the account's row).
        try (java.sql.Connection creating = java.sql.DriverManager.getConnection(TestDatabase.get().url(),
                TestDatabase.get().username(), TestDatabase.get().password())) {
            creating.setAutoCommit(false);
            try (java.sql.PreparedStatement insert = creating.prepareStatement(
                    "INSERT INTO gateway_keys (key_id, account_id, name, verifier, created_at) VALUES (?, ?, 'k', ?, now())")) {
                insert.setString(1, key.id().value());
                insert.setObject(2, key.account().value());
                insert.setBytes(3, key.verifier().value());
                insert.executeUpdate();
            }
            java.util.concurrent.CompletableFuture<java.util.Optional<java.util.List<String>>> deleting = java.util.concurrent.CompletableFuture.supplyAsync(
                    () -> one.getBean(PostgresKeyVault.class).deleteAccountWithItsKeys(key.account()));
            Thread.sleep(300);
            creating.commit();
            // The other instance may read the new key between the creation's commit and the deletion's.
            reader.findGatewayKey(key.id());
            assertEquals(java.util.Optional.of(java.util.List.of(key.id().value())), deleting.get(10, java.util.concurrent.TimeUnit.SECONDS),
                    "the deletion names (and notifies) the key created while it waited");
        }
        // The list above is what decides; this is its effect on another instance (bounded loosely: a busy build machine).
        Await.until(() -> reader.findGatewayKey(key.id()).isEmpty(), Duration.ofSeconds(5),
                "the key created during the deletion was notified with the account's others");
    }
}
