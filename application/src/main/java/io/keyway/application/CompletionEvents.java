package io.keyway.application;

import io.keyway.domain.completion.UpstreamReply;

/**
 * What one routed request is told by {@link RouteCompletion}, each at most once and in this order: {@link #refused};
 * or {@link #sent}, then {@link #replied} or {@link #failed}. The HTTP adapter's relay implements it: the one object
 * per request that decides how the request ends. Calls come from whichever thread completed the step (an event loop,
 * or the vault's executor on a cache miss).
 */
public interface CompletionEvents {
    /** Turned down before anything went upstream (no key, bad body, unknown model, over a limit…). */
    void refused(Refusal refusal);

    /**
     * The call is on its way. {@code giveUp} abandons it while no reply has come (the client left); it is
     * idempotent and may be run from any thread.
     */
    void sent(Sent sent, Runnable giveUp);

    /**
     * Just before {@link #replied}: the deployment whose reply it is ({@code sent} names its upstream), its name, and how
     * many attempts the request took. When the request moved on from the deployment {@link #sent} named, usage and
     * log lines name this one.
     */
    default void answeredBy(Sent sent, String deployment, int attempts) {
    }

    /** What the upstream did: answered (a body to relay), unreachable, or timed out. */
    void replied(UpstreamReply reply);

    /** A defect or a given-up call, not an expected outcome: no reply will come. */
    void failed(Throwable cause);
}
