package io.keyway.application;

import io.keyway.domain.completion.UpstreamCall;
import io.keyway.domain.keys.KeyId;
import io.keyway.domain.model.ProviderId;
import io.keyway.domain.model.SealedProviderKey;
import io.keyway.domain.model.SealedSecret;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static io.keyway.application.KeywayCore.done;
import static io.keyway.application.KeywayCore.refusal;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RouteCompletionTest {
    private final KeywayCore core = new KeywayCore();
    private final String management = core.account();

    @Test
    void anOpenRouterModelGoesOutWithTheCallersUnsealedKeyAndTheStrippedModel() {
        String key = core.gatewayKey(management, Map.of("openrouter", "sk-or-v1-route-test-0001")).secret();

        Sent sent = done(core.call(key, "openrouter-meta/llama"));

        UpstreamCall call = core.openRouter.calls.get(0);
        assertEquals("openrouter", sent.upstream());
        assertEquals("sk-or-v1-route-test-0001", call.credential().orElseThrow().reveal());
        assertEquals("{\"model\":\"meta/llama\"}", new String(call.body(), StandardCharsets.UTF_8));
    }

    @Test
    void anOperatorModelGoesOutWithNoCallerKey() {
        String key = core.gatewayKey(management, Map.of("openrouter", "sk-or-v1-route-test-0002")).secret();

        done(core.call(key, "local-chat"));

        assertTrue(core.local.calls.get(0).credential().isEmpty());
        assertTrue(core.openRouter.calls.isEmpty());
    }

    @Test
    void anOpenRouterModelOnAKeyWithoutOneIsRefusedBeforeAnyCall() {
        String key = core.gatewayKey(management, Map.of()).secret();

        assertEquals(new Refusal.ProviderKeyMissing(ProviderId.OPENROUTER), refusal(core.call(key, "openrouter-a/b")));
        assertTrue(core.openRouter.calls.isEmpty());
    }

    @Test
    void aSealedKeyAlteredInStorageIsRefusedNotSent() {
        IssueGatewayKey.NewGatewayKey created = core.gatewayKey(management, Map.of("openrouter", "sk-or-v1-route-test-0003"));
        byte[] blob = created.key().providerKey(ProviderId.OPENROUTER).orElseThrow().sealed().blob();
        blob[blob.length - 1] ^= 1;
        core.vault.overwrite(created.key().id(), new SealedProviderKey(ProviderId.OPENROUTER, new SealedSecret(blob), "…0003", core.clock.instant()));

        assertEquals(new Refusal.ProviderKeyUnreadable(ProviderId.OPENROUTER), refusal(core.call(created.secret(), "openrouter-a/b")));
        assertTrue(core.openRouter.calls.isEmpty());
    }

    @Test
    void aKeyMovedToAnotherKeysRowCannotBeUnsealedByIt() {
        IssueGatewayKey.NewGatewayKey victim = core.gatewayKey(management, Map.of("openrouter", "sk-or-v1-victim-key-0004"));
        IssueGatewayKey.NewGatewayKey thief = core.gatewayKey(management, Map.of());
        core.vault.overwrite(thief.key().id(), victim.key().providerKey(ProviderId.OPENROUTER).orElseThrow());

        assertEquals(new Refusal.ProviderKeyUnreadable(ProviderId.OPENROUTER), refusal(core.call(thief.secret(), "openrouter-a/b")));
        assertTrue(core.openRouter.calls.isEmpty());
    }

    @Test
    void aModelNobodyServesIsRefused() {
        String key = core.gatewayKey(management, Map.of()).secret();
        assertEquals(new Refusal.ModelNotFound("gpt-x"), refusal(core.call(key, "gpt-x")));
    }

    @Test
    void aRevokedKeyIsRefusedOnItsNextCall() {
        String key = core.gatewayKey(management, Map.of()).secret();
        KeyId id = core.vault.gatewayKeyIds().iterator().next();

        done(core.revoke.revoke(management, id.value()));

        assertInstanceOf(Refusal.Unauthenticated.class, refusal(core.call(key, "local-chat")));
    }

    @Test
    void aManagementKeyCannotCallModels() {
        assertInstanceOf(Refusal.WrongKeyKind.class, refusal(core.call(management, "local-chat")));
    }
}
