package io.keyway.application;

import io.keyway.domain.completion.Endpoint;
import io.keyway.domain.model.AccountId;
import io.keyway.domain.model.KeyLimits;
import io.keyway.domain.port.LimitCounters;

/**
 * Where a routed call went and for which requested model: what its usage record, log lines and rate-limit headers
 * say of it. Never a secret.
 *
 * @param streamed  whether the client asked for a stream
 * @param admission where the key stands against its limits (for the rate-limit headers); null for a key without
 * @param usersOwnKey whether the call went with the caller's own provider key (a provider's 401 then means that key)
 */
public record Sent(String upstream, String keyId, AccountId account, String model, Endpoint endpoint, boolean streamed,
                   KeyLimits limits, LimitCounters.Admission admission, boolean usersOwnKey) {
    public Sent(String upstream, String keyId, AccountId account, String model, Endpoint endpoint, boolean streamed,
                KeyLimits limits, LimitCounters.Admission admission) {
        this(upstream, keyId, account, model, endpoint, streamed, limits, admission, false);
    }
}
