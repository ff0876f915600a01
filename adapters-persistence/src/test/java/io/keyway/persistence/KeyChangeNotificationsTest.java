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
        long hits = cache.hits();
        assertEquals(key, reader.findGatewayKey(key.id()).orElseThrow());
        assertEquals(hits + 1, cache.hits(), "the second lookup was not served from memory");

        assertTrue(one.getBean(KeyVault.class).deleteGatewayKey(key.account(), key.id()));

        Await.until(() -> reader.findGatewayKey(key.id()).isEmpty(), Duration.ofSeconds(1), "the other vault forgot the deleted key");
    }
}
