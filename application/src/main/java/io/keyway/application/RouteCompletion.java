package io.keyway.application;

import io.keyway.domain.completion.Endpoint;
import io.keyway.domain.completion.UpstreamCall;
import io.keyway.domain.completion.UpstreamReply;
import io.keyway.domain.keys.ProviderKeySeal;
import io.keyway.domain.model.ProviderKey;
import io.keyway.domain.model.SealedProviderKey;
import io.keyway.domain.port.CompletionProvider;
import io.keyway.domain.port.ModelRouter;
import io.keyway.domain.routing.Route;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * A gateway key's holder calls a model. The route decides the upstream; for a user-key provider the caller's
 * provider key is unsealed with the presented gateway key, for this call only.
 */
public final class RouteCompletion {
    private final Authenticator authenticator;
    private final ModelRouter router;
    private final Upstreams upstreams;
    private final ProviderKeySeal seal;

    public RouteCompletion(Authenticator authenticator, ModelRouter router, Upstreams upstreams, ProviderKeySeal seal) {
        this.authenticator = authenticator;
        this.router = router;
        this.upstreams = upstreams;
        this.seal = seal;
    }

    /** @param headers client headers to pass upstream */
    public record Command(String gatewayBearer, Endpoint endpoint, CompletionBody body, Map<String, String> headers) {
        @Override
        public String toString() {
            return "RouteCompletion.Command[" + endpoint + "]";
        }
    }

    /** Where the call went, for logs, and the upstream's eventual reply. */
    public record Sent(String upstream, String keyId, CompletionStage<UpstreamReply> reply) {
    }

    public Outcome<Sent> route(Command command) {
        return authenticator.gateway(command.gatewayBearer()).then(caller -> {
            try {
                Route route = router.route(command.body().model());
                if (route instanceof Route.Unroutable unroutable) {
                    return Outcome.refused(new Refusal.ModelNotFound(unroutable.model()));
                }
                if (route instanceof Route.ToUserProvider toProvider) {
                    Optional<SealedProviderKey> sealed = caller.record().providerKey(toProvider.provider());
                    if (sealed.isEmpty()) {
                        return Outcome.refused(new Refusal.ProviderKeyMissing(toProvider.provider()));
                    }
                    Optional<ProviderKey> providerKey = seal.unseal(caller.key(), toProvider.provider(), sealed.get().sealed());
                    if (providerKey.isEmpty()) {
                        return Outcome.refused(new Refusal.ProviderKeyUnreadable(toProvider.provider()));
                    }
                    return send(toProvider.provider().value(), caller, command, toProvider.upstreamModel(), providerKey);
                }
                Route.ToOperatorUpstream toOperator = (Route.ToOperatorUpstream) route;
                return send(toOperator.upstream(), caller, command, toOperator.model(), Optional.empty());
            } finally {
                caller.key().destroy();
            }
        });
    }

    private Outcome<Sent> send(String upstreamName, Authenticator.GatewayCaller caller, Command command, String model,
                               Optional<ProviderKey> credential) {
        CompletionProvider provider = upstreams.wired(upstreamName);
        UpstreamCall call = new UpstreamCall(command.endpoint(), command.body().withModel(model),
                command.body().stream(), credential, command.headers());
        return Outcome.done(new Sent(upstreamName, caller.record().id().value(), provider.send(call)));
    }
}
