package io.keyway.application;

import io.keyway.domain.completion.UpstreamCall;
import io.keyway.domain.completion.UpstreamReply;
import io.keyway.domain.model.ProviderKey;
import io.keyway.domain.routing.Candidate;
import io.keyway.domain.routing.Deployment;
import io.keyway.domain.routing.DeploymentHealth;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * One request's attempts, in the plan's order, until one deployment answers in a way the client should see. Nothing
 * of an attempt reaches the client unless it is the last: a deployment that is refused, reset, timed out, or answers
 * 408, 429, 500, 502, 503, 504 or 529 hands the request to the next deployment that may take it (its body given up
 * unread), and after a 401, 402, 403 or 404 the request moves on to its next {@code fallbacks} entry, which goes to
 * another provider or key. The same deployment is tried again only when no other may be (after a refused or reset
 * connection, a 502 or a 503, at most its upstream's {@code retries} times, after a backoff). Every outcome goes to
 * {@link DeploymentHealth}, which also says whether each attempt may go at all (cooldowns, the retry budget).
 */
final class Attempts {
    /** A candidate made ready to send: the caller's key for its provider unsealed, and what its usage record says. */
    record Target(Candidate candidate, Optional<ProviderKey> credential, Sent sent) {
        Deployment deployment() {
            return candidate.deployment();
        }
    }

    /** The reply the client gets, where it came from and how many attempts it took. */
    record Attempted(UpstreamReply reply, Sent sent, String deployment, int attempts) {
    }

    /** What a reply means for the request. */
    private enum Verdict {
        /** Pass it to the client. */
        COMMIT,
        /** The deployment failed: another may take the request, or this one again if it is the only one. */
        FAILED_MAY_REPEAT,
        /** The deployment failed in a way that trying it again at once would not mend (timeout, 429, 500…). */
        FAILED,
        /** The caller's key or model was refused there: the request's next fallbacks entry may do better. */
        REFUSED_HERE
    }

    private final List<Target> targets;
    private final Upstreams upstreams;
    private final DeploymentHealth health;
    private final RoutingPolicy policy;
    private final Function<Target, UpstreamCall> calls;
    private final CompletableFuture<Attempted> result = new CompletableFuture<>();
    private volatile CompletableFuture<UpstreamReply> current;
    private int attempts;
    private int repeats;

    Attempts(List<Target> targets, Upstreams upstreams, DeploymentHealth health, RoutingPolicy policy, Function<Target, UpstreamCall> calls) {
        this.targets = targets;
        this.upstreams = upstreams;
        this.health = health;
        this.policy = policy;
        this.calls = calls;
    }

    /** What the request ends with; cancelling it gives up the attempt in flight. */
    CompletableFuture<Attempted> result() {
        return result;
    }

    /**
     * Sends the first attempt to the first target that may take one now, and returns it; empty, having sent nothing,
     * when none may: each is cooling down (see {@link #soonestEndSeconds}).
     */
    Optional<Target> start() {
        for (int i = 0; i < targets.size(); i++) {
            if (health.admit(targets.get(i).deployment(), false) == DeploymentHealth.Admission.ADMITTED) {
                send(i);
                return Optional.of(targets.get(i));
            }
        }
        return Optional.empty();
    }

    /** When the soonest cooldown among the targets ends (at least one second from {@code now}). */
    long soonestEndSeconds(Instant now) {
        Instant soonest = null;
        for (Target target : targets) {
            Optional<Instant> until = health.coolingUntil(target.deployment());
            if (until.isPresent() && (soonest == null || until.get().isBefore(soonest))) {
                soonest = until.get();
            }
        }
        if (soonest == null) {
            return 1;
        }
        long millis = Duration.between(now, soonest).toMillis();
        return Math.max(1, (millis + 999) / 1000);
    }

    /** The client left: the attempt in flight is abandoned and no other is made. */
    void giveUp() {
        result.cancel(true);
        CompletableFuture<UpstreamReply> inFlight = current;
        if (inFlight != null) {
            inFlight.cancel(true);
        }
    }

    private void send(int index) {
        Target target = targets.get(index);
        attempts++;
        long started = System.nanoTime();
        CompletableFuture<UpstreamReply> reply;
        try {
            reply = upstreams.wired(target.deployment().upstream()).send(calls.apply(target)).toCompletableFuture();
        } catch (RuntimeException unexpected) {
            health.release(target.deployment());
            result.completeExceptionally(unexpected);
            return;
        }
        current = reply;
        if (result.isCancelled()) {
            reply.cancel(true);
        }
        reply.whenComplete((answer, failure) -> {
            if (failure != null) {
                health.release(target.deployment());
                result.completeExceptionally(unwrap(failure));
                return;
            }
            try {
                // Only worth reading ahead when another deployment could take the request: alone, a stream that fails
                // before its first event would be passed on all the same.
                if (targets.size() > 1 && answer instanceof UpstreamReply.Answered answered && answered.eventStream() && answered.status() < 400) {
                    awaitFirstEvent(index, answered, started);
                } else {
                    decide(index, answer, Duration.ofNanos(System.nanoTime() - started), null);
                }
            } catch (RuntimeException | Error unexpected) {
                result.completeExceptionally(unexpected);
            }
        });
    }

    /**
     * A stream is committed at its first data event: one that fails before it (an error event or object, a cut) is
     * the deployment's failure like a 503, and the request moves on; the client sees one clean stream.
     */
    private void awaitFirstEvent(int index, UpstreamReply.Answered answered, long started) {
        FirstEvent reader = FirstEvent.read(answered.body());
        if (result.isCancelled()) {
            reader.discard();
        }
        reader.first().whenComplete((kind, failure) -> {
            UpstreamReply seen = new UpstreamReply.Answered(answered.status(), answered.headers(), true, reader.body());
            try {
                boolean began = failure == null && (kind == FirstEvent.Kind.BEGAN || kind == FirstEvent.Kind.ENDED);
                decide(index, seen, Duration.ofNanos(System.nanoTime() - started), began ? Verdict.COMMIT : Verdict.FAILED);
            } catch (RuntimeException | Error unexpected) {
                reader.discard();
                result.completeExceptionally(unexpected);
            }
        });
    }

    /** @param forced the verdict already reached (a stream's first event), or null to read it from the reply */
    private void decide(int index, UpstreamReply reply, Duration firstByte, Verdict forced) {
        Target target = targets.get(index);
        Verdict verdict = forced != null ? forced : verdict(reply, hasLaterEntry(index));
        Optional<Duration> retryAfter = verdict == Verdict.COMMIT ? Optional.empty() : Replies.retryAfter(reply);
        health.record(target.deployment(), switch (verdict) {
            case COMMIT, REFUSED_HERE -> DeploymentHealth.Outcome.ANSWERED;
            case FAILED, FAILED_MAY_REPEAT -> reply instanceof UpstreamReply.Answered failed && failed.status() == 429
                    ? DeploymentHealth.Outcome.RATE_LIMITED : DeploymentHealth.Outcome.FAILED;
        }, retryAfter, firstByte);
        if (verdict == Verdict.COMMIT || result.isDone()) {
            commit(target, reply);
            return;
        }
        if (attempts < policy.maxAttempts()) {
            int from = verdict == Verdict.REFUSED_HERE ? firstOfLaterEntry(index) : index + 1;
            for (int i = from; i < targets.size(); i++) {
                if (health.admit(targets.get(i).deployment(), true) == DeploymentHealth.Admission.ADMITTED) {
                    Replies.discard(reply);
                    repeats = 0;
                    send(i);
                    return;
                }
            }
            if (verdict == Verdict.FAILED_MAY_REPEAT && repeats < policy.retries(target.deployment().upstream())) {
                repeatAfterBackoff(index, reply);
                return;
            }
        }
        commit(target, reply);
    }

    /** The same deployment again, after a backoff, if it may still take it then; else the reply stands. */
    private void repeatAfterBackoff(int index, UpstreamReply failed) {
        Duration wait = policy.backoff(repeats);
        repeats++;
        CompletableFuture.delayedExecutor(wait.toNanos(), TimeUnit.NANOSECONDS).execute(() -> {
            if (result.isDone()) {
                Replies.discard(failed);
                return;
            }
            if (health.admit(targets.get(index).deployment(), true) == DeploymentHealth.Admission.ADMITTED) {
                Replies.discard(failed);
                send(index);
            } else {
                commit(targets.get(index), failed);
            }
        });
    }

    private void commit(Target target, UpstreamReply reply) {
        if (!result.complete(new Attempted(reply, target.sent(), target.deployment().name(), attempts))) {
            Replies.discard(reply);
        }
    }

    private boolean hasLaterEntry(int index) {
        return firstOfLaterEntry(index) < targets.size();
    }

    private int firstOfLaterEntry(int index) {
        int entry = targets.get(index).candidate().entry();
        for (int i = index + 1; i < targets.size(); i++) {
            if (targets.get(i).candidate().entry() > entry) {
                return i;
            }
        }
        return targets.size();
    }

    private static Verdict verdict(UpstreamReply reply, boolean laterEntry) {
        if (reply instanceof UpstreamReply.Unreachable) {
            return Verdict.FAILED_MAY_REPEAT;
        }
        if (reply instanceof UpstreamReply.TimedOut) {
            return Verdict.FAILED;
        }
        int status = ((UpstreamReply.Answered) reply).status();
        return switch (status) {
            case 502, 503 -> Verdict.FAILED_MAY_REPEAT;
            case 408, 429, 500, 504, 529 -> Verdict.FAILED;
            case 401, 402, 403, 404 -> laterEntry ? Verdict.REFUSED_HERE : Verdict.COMMIT;
            default -> Verdict.COMMIT;
        };
    }

    private static Throwable unwrap(Throwable failure) {
        Throwable cause = failure;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }
}
