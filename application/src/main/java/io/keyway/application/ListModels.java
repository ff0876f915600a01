package io.keyway.application;

import io.keyway.domain.completion.ModelDescriptor;
import io.keyway.domain.keys.ProviderKeySeal;
import io.keyway.domain.model.ProviderId;
import io.keyway.domain.model.ProviderKey;
import io.keyway.domain.model.SealedProviderKey;
import io.keyway.domain.port.CompletionProvider;
import io.keyway.domain.port.ModelRouter;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A gateway key's holder lists the models it can call: the operator's, and the catalogue of every provider whose
 * key it carries, with that provider's prefix.
 */
public final class ListModels {
    private final Authenticator authenticator;
    private final ModelRouter router;
    private final Upstreams upstreams;
    private final ProviderKeySeal seal;
    private final long listedSince;

    public ListModels(Authenticator authenticator, ModelRouter router, Upstreams upstreams, ProviderKeySeal seal, Instant listedSince) {
        this.authenticator = authenticator;
        this.seal = seal;
        this.router = router;
        this.upstreams = upstreams;
        this.listedSince = listedSince.getEpochSecond();
    }

    /**
     * The models the key can call. A provider whose catalogue cannot be fetched (unreachable, failing, not JSON) is
     * named in {@link ModelListing#unavailable()} and the rest are still listed; the failure itself goes to the
     * provider's own log line.
     */
    public Outcome<CompletionStage<ModelListing>> list(String gatewayBearer) {
        return authenticator.gateway(gatewayBearer).then(caller -> {
            try {
                return Outcome.done(listFor(caller));
            } finally {
                caller.key().destroy();
            }
        });
    }

    private CompletableFuture<ModelListing> listFor(Authenticator.GatewayCaller caller) {
        List<ModelDescriptor> operator = router.operatorModels().stream()
                .map(model -> new ModelDescriptor(model.id(), listedSince, model.upstream()))
                .toList();
        CompletableFuture<ModelListing> all = CompletableFuture.completedFuture(new ModelListing(operator, List.of()));
        for (ProviderId provider : router.userProviders()) {
            Optional<SealedProviderKey> sealed = caller.record().providerKey(provider);
            if (sealed.isEmpty()) {
                continue;
            }
            // The catalogue is read with the caller's own key: many providers list models to a key holder only.
            Optional<ProviderKey> own = seal.unseal(caller.key(), provider, sealed.get().sealed());
            if (own.isEmpty()) {
                all = all.thenApply(left -> left.plus(ModelListing.unavailable(provider.value())));
                continue;
            }
            CompletionProvider upstream = upstreams.wired(provider.value());
            CompletableFuture<ModelListing> prefixed = upstream.models(own).toCompletableFuture()
                    .thenApply(models -> new ModelListing(models.stream().map(m -> m.withId(provider.modelPrefix() + m.id())).toList(), List.of()))
                    .exceptionally(failure -> ModelListing.unavailable(provider.value()));
            all = all.thenCombine(prefixed, ModelListing::plus);
        }
        return all;
    }
}
