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
import io.keyway.domain.port.CompletionProvider;
import io.keyway.domain.port.ModelRouter;
import io.keyway.domain.routing.Route;

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

    public RouteCompletion(Authenticator authenticator, ModelRouter router, Upstreams upstreams, ProviderKeySeal seal,
                           LimitCounters counters, Clock clock) {
        this.authenticator = authenticator;
        this.router = router;
        this.upstreams = upstreams;
        this.seal = seal;
        this.counters = counters;
        this.clock = clock;
    }

    /**
     * @param body      the request body as the HTTP adapter read it, or why it was refused (not JSON, no model…)
     * @param requestId the request's id, passed upstream and written in log lines
     * @param headers   client headers to pass upstream as they came (app attribution)
     */
    public record Command(String gatewayBearer, Endpoint endpoint, Outcome<CompletionBody> body, String requestId,
                          Map<String, String> headers) {
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
            prepared = authenticator.presented(command.gatewayBearer())
                    .then(given -> command.body())
                    .fold(body -> authenticator.gatewayWithoutBlocking(command.gatewayBearer())
                                    .thenCompose(authenticated -> authenticated.fold(
                                            caller -> admitted(caller, body, command),
                                            refusal -> CompletableFuture.completedFuture(Outcome.<Dispatch>refused(refusal)))),
                            refusal -> CompletableFuture.completedFuture(Outcome.refused(refusal)));
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
                    CompletableFuture<UpstreamReply> reply = dispatch.reply().toCompletableFuture();
                    events.sent(dispatch.sent(), () -> reply.cancel(true));
                    reply.whenComplete((answer, replyFailure) -> {
                        if (replyFailure != null) {
                            events.failed(unwrap(replyFailure));
                        } else {
                            events.replied(answer);
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

    /** A call under way: where it went, and the reply to come. */
    private record Dispatch(Sent sent, CompletionStage<UpstreamReply> reply) {
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

    private Outcome<Dispatch> route(Authenticator.GatewayCaller caller, CompletionBody body, Command command, LimitCounters.Admission admission) {
        try {
            Route route = router.route(body.model());
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
                return send(toProvider.provider().value(), caller, body, command, toProvider.upstreamModel(), providerKey, admission);
            }
            Route.ToOperatorUpstream toOperator = (Route.ToOperatorUpstream) route;
            return send(toOperator.upstream(), caller, body, command, toOperator.model(), Optional.empty(), admission);
        } finally {
            caller.key().destroy();
        }
    }

    private Outcome<Dispatch> send(String upstreamName, Authenticator.GatewayCaller caller, CompletionBody body, Command command,
                               String model, Optional<ProviderKey> credential, LimitCounters.Admission admission) {
        CompletionProvider provider = upstreams.wired(upstreamName);
        UpstreamCall call = new UpstreamCall(command.endpoint(), body.withModel(model), body.stream(), credential,
                command.requestId(), command.headers());
        Sent sent = new Sent(upstreamName, caller.record().id().value(), caller.record().account(), body.model(),
                command.endpoint(), body.stream(), caller.record().limits(), admission, credential.isPresent());
        return Outcome.done(new Dispatch(sent, provider.send(call)));
    }
}
