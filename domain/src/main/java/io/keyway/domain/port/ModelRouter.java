package io.keyway.domain.port;

import io.keyway.domain.model.ProviderId;
import io.keyway.domain.routing.DeploymentHealth;
import io.keyway.domain.routing.ModelGroup;
import io.keyway.domain.routing.OperatorModel;
import io.keyway.domain.routing.Plan;
import io.keyway.domain.routing.Route;

import java.util.List;
import java.util.Set;

/** Decides where a model's requests go. */
public interface ModelRouter {
    /** Where one model name leads, as if requested alone. */
    Route route(String model);

    /**
     * Every deployment a request for {@code model}, then {@code fallbacks}, may go to, in the order to try them now.
     * Cooling deployments are in it: whether each may take an attempt is {@link #health()}'s to say at that moment.
     */
    Plan plan(String model, List<String> fallbacks);

    /** The models the operator serves (upstreams' models, groups and their aliases), with who serves each. */
    List<OperatorModel> operatorModels();

    /** Each model group, configured or made of a model several upstreams list. */
    List<ModelGroup> groups();

    /** What this instance learnt of each deployment from its own traffic. */
    DeploymentHealth health();

    /** The providers a user may attach a key for. */
    Set<ProviderId> userProviders();
}
