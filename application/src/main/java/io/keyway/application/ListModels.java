package io.keyway.application;

import io.keyway.domain.completion.ModelDescriptor;
import io.keyway.domain.model.ProviderId;
import io.keyway.domain.port.CompletionProvider;
import io.keyway.domain.port.ModelRouter;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
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
    private final long listedSince;

    public ListModels(Authenticator authenticator, ModelRouter router, Upstreams upstreams, Instant listedSince) {
        this.authenticator = authenticator;
        this.router = router;
        this.upstreams = upstreams;
        this.listedSince = listedSince.getEpochSecond();
    }

    public Outcome<CompletionStage<List<ModelDescriptor>>> list(String gatewayBearer) {
        return authenticator.gateway(gatewayBearer).then(caller -> {
            caller.key().destroy();
            List<ModelDescriptor> operator = router.operatorModels().stream()
                    .map(model -> new ModelDescriptor(model.id(), listedSince, model.upstream()))
                    .toList();
            CompletableFuture<List<ModelDescriptor>> all = CompletableFuture.completedFuture(operator);
            for (ProviderId provider : router.userProviders()) {
                if (caller.record().providerKey(provider).isEmpty()) {
                    continue;
                }
                CompletionProvider upstream = upstreams.wired(provider.value());
                CompletableFuture<List<ModelDescriptor>> prefixed = upstream.models().toCompletableFuture()
                        .thenApply(models -> models.stream().map(m -> m.withId(provider.modelPrefix() + m.id())).toList());
                all = all.thenCombine(prefixed, (left, right) -> {
                    List<ModelDescriptor> joined = new ArrayList<>(left);
                    joined.addAll(right);
                    return joined;
                });
            }
            return Outcome.done(all);
        });
    }
}
