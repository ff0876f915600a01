package io.keyway.domain.usage;

import io.keyway.domain.model.AccountId;

import java.time.Instant;
import java.util.Objects;

/**
 * One routed request, as recorded for usage: who, what, where, how it ended, and what the upstream said it used.
 *
 * @param model    the model the client asked for (prefix included)
 * @param status   the HTTP status the client got
 * @param outcome  how the answer ended: {@code completed}, {@code cut} (the upstream failed mid-answer),
 *                 {@code cancelled} (the client left first) or {@code failed} (no answer at all: unreachable, timed out)
 * @param deployment the deployment that answered, by its configured name (the upstream's unless a model group names it)
 * @param attempts how many upstream attempts the request took (more than 1 after a failover or retry)
 */
public record UsageRecord(Instant at, AccountId account, String keyId, String model, String upstream, String endpoint, int status,
                          long latencyMillis, boolean streamed, String outcome, TokenUsage usage, String deployment, int attempts) {
    /** A request that made one attempt, to a deployment named like its upstream. */
    public UsageRecord(Instant at, AccountId account, String keyId, String model, String upstream, String endpoint, int status,
                       long latencyMillis, boolean streamed, String outcome, TokenUsage usage) {
        this(at, account, keyId, model, upstream, endpoint, status, latencyMillis, streamed, outcome, usage, upstream, 1);
    }

    public UsageRecord {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(keyId, "keyId");
        Objects.requireNonNull(outcome, "outcome");
        usage = usage == null ? TokenUsage.NONE : usage;
        deployment = deployment == null ? upstream : deployment;
    }
}
