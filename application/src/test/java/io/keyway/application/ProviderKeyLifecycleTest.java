package io.keyway.application;

import io.keyway.domain.model.GatewayKey;
import io.keyway.domain.model.ProviderId;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Map;

import static io.keyway.application.KeywayCore.done;
import static io.keyway.application.KeywayCore.refusal;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProviderKeyLifecycleTest {
    private final KeywayCore core = new KeywayCore();
    private final String management = core.account();

    @Test
    void whatTheVaultHoldsIsSealedNeverThePlaintext() {
        GatewayKey stored = core.gatewayKey(management, Map.of("openrouter", "sk-or-v1-lifecycle-plain-0001")).key();

        byte[] blob = stored.providerKey(ProviderId.OPENROUTER).orElseThrow().sealed().blob();
        String asText = new String(blob, StandardCharsets.ISO_8859_1) + HexFormat.of().formatHex(blob);
        assertFalse(asText.contains("sk-or-v1-lifecycle-plain-0001"));
        assertFalse(asText.contains(HexFormat.of().formatHex("sk-or-v1-lifecycle-plain-0001".getBytes(StandardCharsets.UTF_8))));
        assertEquals("…0001", stored.providerKey(ProviderId.OPENROUTER).orElseThrow().hint());
    }

    @Test
    void anUnknownProviderOrABadKeyIsRefusedAndNothingIsStored() {
        assertInstanceOf(Refusal.InvalidRequest.class, refusal(core.issue.issue(
                new IssueGatewayKey.Command(management, "k", Map.of("nobody", "sk-123456789")))));
        assertInstanceOf(Refusal.InvalidRequest.class, refusal(core.issue.issue(
                new IssueGatewayKey.Command(management, "k", Map.of("openrouter", "has spaces in it")))));
        assertTrue(core.vault.gatewayKeyIds().isEmpty());
    }

    @Test
    void attachingReplacingAndDetachingChangesWhatTheNextCallSends() {
        String key = core.gatewayKey(management, Map.of()).secret();

        done(core.providerKeys.attach(key, "openrouter", "sk-or-v1-first-0000001"));
        done(core.call(key, "openrouter-a/b"));
        done(core.providerKeys.attach(key, "openrouter", "sk-or-v1-second-000002"));
        done(core.call(key, "openrouter-a/b"));
        done(core.providerKeys.detach(key, "openrouter"));

        assertEquals("sk-or-v1-first-0000001", core.openRouter.calls.get(0).credential().orElseThrow().reveal());
        assertEquals("sk-or-v1-second-000002", core.openRouter.calls.get(1).credential().orElseThrow().reveal());
        assertEquals(new Refusal.ProviderKeyMissing(ProviderId.OPENROUTER), refusal(core.call(key, "openrouter-a/b")));
    }

    @Test
    void onlyTheHolderOfTheGatewayKeyCanAttachToIt() {
        core.gatewayKey(management, Map.of());
        assertInstanceOf(Refusal.WrongKeyKind.class, refusal(core.providerKeys.attach(management, "openrouter", "sk-or-v1-abcdefgh")));
    }

    @Test
    void modelsListThePrefixedCatalogueOnlyForKeysThatCarryAProviderKey() throws Exception {
        core.openRouter.catalogue = java.util.List.of(new io.keyway.domain.completion.ModelDescriptor("meta/llama", 1, "meta"));
        String with = core.gatewayKey(management, Map.of("openrouter", "sk-or-v1-models-0000001")).secret();
        String without = core.gatewayKey(management, Map.of()).secret();

        var withModels = done(core.listModels.list(with)).toCompletableFuture().get();
        var withoutModels = done(core.listModels.list(without)).toCompletableFuture().get();

        assertTrue(withModels.models().stream().anyMatch(m -> m.id().equals("openrouter-meta/llama")));
        assertTrue(withModels.models().stream().anyMatch(m -> m.id().equals("local-chat")));
        assertTrue(withModels.complete());
        assertTrue(withoutModels.models().stream().noneMatch(m -> m.id().startsWith("openrouter-")));
    }

    @Test
    void aCatalogueThatCannotBeFetchedIsNamedAndTheOthersAreStillListed() throws Exception {
        core.openRouter.catalogueFailure = new IllegalStateException("GET /models answered 503");
        String with = core.gatewayKey(management, Map.of("openrouter", "sk-or-v1-models-0000002")).secret();

        var listing = done(core.listModels.list(with)).toCompletableFuture().get();

        assertEquals(java.util.List.of("openrouter"), listing.unavailable());
        assertEquals(java.util.List.of("local-chat"), listing.models().stream().map(m -> m.id()).toList());
    }
}
