package io.keyway.domain.port;

import io.keyway.domain.model.ProviderId;
import io.keyway.domain.routing.OperatorModel;
import io.keyway.domain.routing.Route;

import java.util.List;
import java.util.Set;

/** Decides where a model's requests go. */
public interface ModelRouter {
    Route route(String model);

    /** The models the operator's upstreams serve. */
    List<OperatorModel> operatorModels();

    /** The providers a user may attach a key for. */
    Set<ProviderId> userProviders();
}
