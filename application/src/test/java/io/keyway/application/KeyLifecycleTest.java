package io.keyway.application;

import io.keyway.domain.model.ProviderId;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static io.keyway.application.KeywayCore.done;
import static io.keyway.application.KeywayCore.refusal;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Rotation, expiry, management keys and accounts, on the use cases with the in-memory vault. */
class KeyLifecycleTest {
    private static final Refusal INVALID = new Refusal.Unauthenticated(Authenticator.INVALID);

    private final KeywayCore core = new KeywayCore();
    private final String management = core.account();

    private String sentKey() {
        return core.openRouter.calls.get(core.openRouter.calls.size() - 1).credential().orElseThrow().reveal();
    }

    @Test
    void aRotatedKeyKeepsItsIdAndProviderKeyAndTheOldSecretIsRefusedAtOnce() {
        IssueGatewayKey.NewGatewayKey created = core.gatewayKey(management, Map.of("openrouter", "sk-or-v1-rotate-0001"));

        IssueGatewayKey.NewGatewayKey rotated = done(core.rotate.rotate(created.secret(), null));

        assertEquals(created.key().id(), rotated.key().id());
        assertNotEquals(created.secret(), rotated.secret());
        done(core.call(rotated.secret(), "openrouter-a/b"));
        assertEquals("sk-or-v1-rotate-0001", sentKey());
        assertEquals(INVALID, refusal(core.call(created.secret(), "openrouter-a/b")));
        assertEquals(1, core.openRouter.calls.size());
    }

    @Test
    void withAGracePeriodTheOldSecretWorksUntilItEndsButCannotChangeTheKey() {
        IssueGatewayKey.NewGatewayKey created = core.gatewayKey(management, Map.of("openrouter", "sk-or-v1-rotate-0002"));
        IssueGatewayKey.NewGatewayKey rotated = done(core.rotate.rotate(created.secret(), 60L));

        done(core.call(created.secret(), "openrouter-a/b"));
        assertEquals("sk-or-v1-rotate-0002", sentKey(), "the old secret unseals its own copy of the provider key");
        assertInstanceOf(Refusal.Unauthenticated.class, refusal(core.providerKeys.attach(created.secret(), "openrouter", "sk-or-v1-sneaky-0003")));
        assertInstanceOf(Refusal.Unauthenticated.class, refusal(core.rotate.rotate(created.secret(), null)));

        core.clock.advance(Duration.ofSeconds(61));

        assertEquals(INVALID, refusal(core.call(created.secret(), "openrouter-a/b")));
        done(core.call(rotated.secret(), "openrouter-a/b"));
        assertEquals("sk-or-v1-rotate-0002", sentKey());
    }

    @Test
    void aProviderKeyReplacedDuringTheGracePeriodIsNotSentWithTheOldSecret() {
        IssueGatewayKey.NewGatewayKey created = core.gatewayKey(management, Map.of("openrouter", "sk-or-v1-leaked-0004"));
        IssueGatewayKey.NewGatewayKey rotated = done(core.rotate.rotate(created.secret(), 600L));

        done(core.providerKeys.attach(rotated.secret(), "openrouter", "sk-or-v1-fresh-0005"));

        assertEquals(new Refusal.ProviderKeyMissing(ProviderId.OPENROUTER), refusal(core.call(created.secret(), "openrouter-a/b")));
        done(core.call(rotated.secret(), "openrouter-a/b"));
        assertEquals("sk-or-v1-fresh-0005", sentKey());
    }

    @Test
    void aGracePeriodOutOfRangeIsRefusedAndNothingChanges() {
        IssueGatewayKey.NewGatewayKey created = core.gatewayKey(management, Map.of());

        Refusal tooLong = refusal(core.rotate.rotate(created.secret(), 86_401L));
        Refusal negative = refusal(core.rotate.rotate(created.secret(), -1L));

        assertEquals("grace_seconds", ((Refusal.InvalidRequest) tooLong).param());
        assertInstanceOf(Refusal.InvalidRequest.class, negative);
        done(core.call(created.secret(), "local-chat"));
    }

    @Test
    void anExpiredKeyIsRefusedSayingWhenOnlyToTheHolderOfItsSecret() {
        long expiresAt = core.clock.instant().getEpochSecond() + 30;
        IssueGatewayKey.NewGatewayKey created = done(core.issue.issue(new IssueGatewayKey.Command(management, "ci", Map.of(), expiresAt)));
        done(core.call(created.secret(), "local-chat"));

        core.clock.advance(Duration.ofSeconds(30));

        Refusal expired = refusal(core.call(created.secret(), "local-chat"));
        assertEquals(new Refusal.Expired(Instant.ofEpochSecond(expiresAt)), expired);
        assertTrue(expired.message().contains(Long.toString(expiresAt)), expired.message());
        String wrongSecret = core.mint.remint(io.keyway.domain.keys.KeyKind.GATEWAY, created.key().id()).token();
        assertEquals(INVALID, refusal(core.call(wrongSecret, "local-chat")), "a guess must not learn that the key expired");
    }

    @Test
    void anExpiryThatIsNotInTheFutureIsRefused() {
        long now = core.clock.instant().getEpochSecond();

        Refusal past = refusal(core.issue.issue(new IssueGatewayKey.Command(management, "ci", Map.of(), now)));

        assertEquals("expires_at", ((Refusal.InvalidRequest) past).param());
        assertEquals(0, core.vault.gatewayKeyIds().size());
    }

    @Test
    void anUnknownKeyIdAndAWrongSecretAreRefusedAlike() {
        IssueGatewayKey.NewGatewayKey created = core.gatewayKey(management, Map.of());
        String unknown = core.mint.mint(io.keyway.domain.keys.KeyKind.GATEWAY).token();
        String wrong = core.mint.remint(io.keyway.domain.keys.KeyKind.GATEWAY, created.key().id()).token();

        assertEquals(refusal(core.call(unknown, "local-chat")), refusal(core.call(wrong, "local-chat")));
    }

    @Test
    void aRotatedManagementKeyWorksAndItsOldSecretIsRefused() {
        ManagementKeys.NewManagementKey rotated = done(core.managementKeys.rotateOwn(management));

        assertEquals(INVALID, refusal(core.issue.issue(new IssueGatewayKey.Command(management, "k", Map.of()))));
        done(core.issue.issue(new IssueGatewayKey.Command(rotated.secret(), "k", Map.of())));
    }

    @Test
    void anAccountCanHoldSeveralManagementKeysAndLosesEveryKeyWhenDeleted() {
        IssueGatewayKey.NewGatewayKey gatewayKey = core.gatewayKey(management, Map.of());
        String accountId = core.vault.findGatewayKey(gatewayKey.key().id()).orElseThrow().account().toString();
        ManagementKeys.NewManagementKey second = done(core.managementKeys.add(accountId));
        done(core.issue.issue(new IssueGatewayKey.Command(second.secret(), "from the second", Map.of())));
        assertEquals(2, done(core.accounts.get(accountId)).managementKeys().size());

        done(core.managementKeys.delete(accountId, second.key().id().value()));
        assertEquals(INVALID, refusal(core.issue.issue(new IssueGatewayKey.Command(second.secret(), "k", Map.of()))));

        done(core.accounts.delete(accountId));
        assertEquals(INVALID, refusal(core.call(gatewayKey.secret(), "local-chat")));
        assertEquals(INVALID, refusal(core.issue.issue(new IssueGatewayKey.Command(management, "k", Map.of()))));
        assertInstanceOf(Refusal.NotFound.class, refusal(core.accounts.get(accountId)));
        assertInstanceOf(Refusal.NotFound.class, refusal(core.accounts.delete(accountId)));
        assertInstanceOf(Refusal.NotFound.class, refusal(core.managementKeys.add("not-a-uuid")));
    }
}
