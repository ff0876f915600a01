package io.keyway.domain.routing;

import io.keyway.domain.model.ProviderId;
import io.keyway.domain.port.ModelRouter;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The routing rule: a model named {@code <provider>-<id>} for a provider that takes users' own keys goes to that
 * provider as {@code <id>}; any other model goes to the operator upstream that lists it; otherwise nowhere.
 */
public final class PrefixModelRouter implements ModelRouter {
    private final Set<ProviderId> userProviders;
    private final Map<String, OperatorModel> operatorModels = new LinkedHashMap<>();

    /**
     * @param userProviders  providers routed by prefix with the caller's key
     * @param upstreamModels each operator upstream's name and the model ids it serves, in configuration order
     */
    public PrefixModelRouter(Set<ProviderId> userProviders, Map<String, List<String>> upstreamModels) {
        this.userProviders = Set.copyOf(userProviders);
        upstreamModels.forEach((upstream, models) -> {
            for (String model : models) {
                OperatorModel previous = operatorModels.putIfAbsent(model, new OperatorModel(model, upstream));
                if (previous != null && !previous.upstream().equals(upstream)) {
                    throw new IllegalArgumentException("model '" + model + "' is listed by two upstreams: '"
                            + previous.upstream() + "' and '" + upstream + "'");
                }
            }
        });
    }

    @Override
    public Route route(String model) {
        for (ProviderId provider : userProviders) {
            String prefix = provider.modelPrefix();
            if (model.startsWith(prefix) && model.length() > prefix.length()) {
                return new Route.ToUserProvider(provider, model.substring(prefix.length()));
            }
        }
        OperatorModel operatorModel = operatorModels.get(model);
        if (operatorModel != null) {
            return new Route.ToOperatorUpstream(operatorModel.upstream(), model);
        }
        return new Route.Unroutable(model);
    }

    @Override
    public List<OperatorModel> operatorModels() {
        return new ArrayList<>(operatorModels.values());
    }

    @Override
    public Set<ProviderId> userProviders() {
        return userProviders;
    }
}
