package io.keyway.application;

import io.keyway.domain.model.KeyLimits;
import io.keyway.domain.port.LimitCounters;
import java.time.Clock;

import io.keyway.domain.completion.Endpoint;
import io.keyway.domain.completion.UpstreamCall;
import io.keyway.domain.completion.UpstreamReply;
import io.keyway.domain.keys.ProviderKeySeal;
import io.keyway.domain.model.ProviderKey;
import io.keyway.domain.model.SealedProviderKey;
import io.keyway.domain.port.ModelRouter;
import io.keyway.domain.model.ProviderId;
import io.keyway.domain.routing.Candidate;
import io.keyway.domain.routing.Plan;
import io.keyway.domain.routing.Route;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
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

    private final LimitCounters counters;
    private final Clock clock;
    private final RoutingPolicy policy;

    public RouteCompletion(Authenticator authenticator, ModelRouter router, Upstreams upstreams, ProviderKeySeal seal,
                           LimitCounters counters, Clock clock) {
        this(authenticator, router, upstreams, seal, counters, clock, RoutingPolicy.DEFAULT);
    }

    public RouteCompletion(Authenticator authenticator, ModelRouter router, Upstreams upstreams, ProviderKeySeal seal,
                           LimitCounters counters, Clock clock, RoutingPolicy policy) {
        this.authenticator = authenticator;
        this.router = router;
        this.upstreams = upstreams;
        this.seal = seal;
        this.counters = counters;
        this.clock = clock;
        this.policy = policy;
    }

    /**
     * @param body      the request body as the HTTP adapter read it, or why it was refused (not JSON, no model…)
     * @param requestId the request's id, passed upstream and written in log lines
     * @param headers   client headers to pass upstream as they came (app attribution)
     */
    public record Command(String gatewayBearer, Endpoint endpoint, Outcome<CompletionBody> body, String requestId,
                          Map<String, String> headers, Authenticator.GatewayCaller authenticated) {
        /** A request whose key is checked here. */
        public Command(String gatewayBearer, Endpoint endpoint, Outcome<CompletionBody> body, String requestId, Map<String, String> headers) {
            this(gatewayBearer, endpoint, body, requestId, headers, null);
        }

        @Override
        public String toString() {
            return "RouteCompletion.Command[" + endpoint + "]";
        }
    }

    /**
     * A request without a key is refused first, then a bad body, then a key that does not authenticate. Never blocks:
     * {@code events} is told at once when the key's record is in memory; the call is under way when it hears
     * {@link CompletionEvents#sent}, and the reply follows as one more event (never a future inside a future).
     */
    public void route(Command command, CompletionEvents events) {
        CompletionStage<Outcome<Dispatch>> prepared;
        try {
            if (command.authenticated() != null) {
                // The key was checked before the body was read (the HTTP adapter does that); the body is next.
                Authenticator.GatewayCaller caller = command.authenticated();
                prepared = command.body().fold(body -> admitted(caller, body, command), refusal -> {
                    caller.key().destroy();
                    return CompletableFuture.completedFuture(Outcome.refused(refusal));
                });
            } else {
                prepared = authenticator.presented(command.gatewayBearer())
                        .then(given -> command.body())
                        .fold(body -> authenticator.gatewayWithoutBlocking(command.gatewayBearer())
                                        .thenCompose(authenticated -> authenticated.fold(
                                                caller -> admitted(caller, body, command),
                                                refusal -> CompletableFuture.completedFuture(Outcome.<Dispatch>refused(refusal)))),
                                refusal -> CompletableFuture.completedFuture(Outcome.refused(refusal)));
            }
        } catch (RuntimeException unexpected) {
            events.failed(unexpected);
            return;
        }
        prepared.whenComplete((outcome, failure) -> {
            if (failure != null) {
                events.failed(unwrap(failure));
                return;
            }
            try {
                outcome.fold(dispatch -> {
                    Attempts attempts = dispatch.attempts();
                    events.sent(dispatch.sent(), attempts::giveUp);
                    attempts.result().whenComplete((attempted, replyFailure) -> {
                        if (replyFailure != null) {
                            events.failed(unwrap(replyFailure));
                        } else {
                            events.answeredBy(attempted.sent(), attempted.deployment(), attempted.attempts());
                            events.replied(attempted.reply());
                        }
                    });
                    return null;
                }, refusal -> {
                    events.refused(refusal);
                    return null;
                });
            } catch (RuntimeException | Error unexpected) {
                // whenComplete would swallow it and leave the request unanswered: the events hear it as a defect.
                events.failed(unexpected);
            }
        });
    }

    /** A call under way: where its first attempt went, and the attempts to come. */
    private record Dispatch(Sent sent, Attempts attempts) {
    }

    private static Throwable unwrap(Throwable failure) {
        Throwable cause = failure;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    /** A key without limits is routed at once; one with limits first takes a request from its allowance. */
    private CompletionStage<Outcome<Dispatch>> admitted(Authenticator.GatewayCaller caller, CompletionBody body, Command command) {
        KeyLimits limits = caller.record().limits();
        if (!limits.any()) {
            return CompletableFuture.completedFuture(route(caller, body, command, null));
        }
        return counters.admit(caller.record().id(), limits, clock.instant()).thenApply(admission -> {
            if (!admission.admitted()) {
                caller.key().destroy();
                return Outcome.refused(new Refusal.LimitExceeded(admission));
            }
            return route(caller, body, command, admission);
        });
    }

    /**
     * The plan for the request's model and fallbacks, each target made ready (the caller's key for each provider
     * unsealed here, while the gateway key is at hand, and never kept past the request), then the first attempt sent.
     */
    private Outcome<Dispatch> route(Authenticator.GatewayCaller caller, CompletionBody body, Command command, LimitCounters.Admission admission) {
        List<Attempts.Target> targets = new ArrayList<>();
        Refusal firstRefusal = null;
        try {
            Plan plan = router.plan(body.model(), body.fallbacks());
            if (!plan.unroutable().isEmpty()) {
                return Outcome.refused(new Refusal.ModelNotFound(plan.unroutable().get(0)));
            }
            Map<ProviderId, Optional<ProviderKey>> unsealed = new HashMap<>();
            for (Candidate candidate : plan.candidates()) {
                Optional<ProviderKey> credential = Optional.empty();
                if (candidate.deployment().target() instanceof Route.ToUserProvider toProvider) {
                    Optional<SealedProviderKey> sealed = caller.record().providerKey(toProvider.provider());
                    if (sealed.isEmpty()) {
                        firstRefusal = firstRefusal != null ? firstRefusal : new Refusal.ProviderKeyMissing(toProvider.provider());
                        continue;
                    }
                    credential = unsealed.computeIfAbsent(toProvider.provider(),
                            provider -> seal.unseal(caller.key(), provider, sealed.get().sealed()));
                    if (credential.isEmpty()) {
                        firstRefusal = firstRefusal != null ? firstRefusal : new Refusal.ProviderKeyUnreadable(toProvider.provider());
                        continue;
                    }
                }
                Sent sent = new Sent(candidate.deployment().upstream(), caller.record().id().value(), caller.record().account(), body.model(),
                        command.endpoint(), body.stream(), caller.record().limits(), admission, credential.isPresent());
                // A user's own key: its health (a 429 on that key, say) is that key's alone.
                Candidate scoped = credential.isPresent()
                        ? new Candidate(candidate.deployment().scopedTo(caller.record().id().value()), candidate.requested(), candidate.entry())
                        : candidate;
                targets.add(new Attempts.Target(scoped, credential, sent));
            }
        } finally {
            caller.key().destroy();
        }
        if (targets.isEmpty()) {
            return Outcome.refused(firstRefusal != null ? firstRefusal : new Refusal.ModelNotFound(body.model()));
        }
        Attempts attempts = new Attempts(targets, upstreams, router.health(), policy, target -> new UpstreamCall(command.endpoint(),
                body.withModel(target.deployment().model()), body.stream(), target.credential(), command.requestId(), command.headers()));
        Optional<Attempts.Target> first = attempts.start();
        if (first.isEmpty()) {
            return Outcome.refused(new Refusal.UpstreamsCoolingDown(body.model(), attempts.soonestEndSeconds(clock.instant())));
        }
        return Outcome.done(new Dispatch(first.get().sent(), attempts));
    }
}
