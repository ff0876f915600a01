package io.keyway.domain.port;

import io.keyway.domain.completion.KeyCheck;
import io.keyway.domain.completion.ModelDescriptor;
import io.keyway.domain.completion.UpstreamCall;
import io.keyway.domain.completion.UpstreamReply;
import io.keyway.domain.model.ProviderKey;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** An upstream that serves OpenAI-style completions: a third-party provider or an operator's endpoint. */
public interface CompletionProvider {
    /** The name routes use: the provider id for user-key providers, the upstream's name for operator upstreams. */
    String name();

    /** Where calls go: the upstream's host (with the port when it is not the scheme's), shown to key holders. */
    String host();

    /**
     * Sends a call; never completes exceptionally for upstream trouble, which is a {@link UpstreamReply} value.
     * Cancelling the returned stage's future before it completes aborts the call (its connection is closed); after
     * it completes, cancelling the answer's body does.
     */
    CompletionStage<UpstreamReply> send(UpstreamCall call);

    /**
     * The upstream's own model catalogue, with its own ids, fetched with the caller's own key when there is one (a
     * provider's catalogue is often readable with a key only) and otherwise with the operator's key or none.
     */
    CompletionStage<List<ModelDescriptor>> models(Optional<ProviderKey> callerKey);

    /**
     * Whether the upstream answers its cheapest read right now (its models list, fetched afresh with the operator's
     * key): the optional active health check of a model group. Never completes exceptionally.
     */
    default CompletionStage<Boolean> answers() {
        return models(Optional.empty()).handle((models, failure) -> failure == null);
    }

    /**
     * Checks a user's key with the provider's cheapest authenticated read; never completes exceptionally (a provider
     * that cannot be reached is {@link KeyCheck#UNCHECKED}). An upstream with no such read does not check.
     */
    default CompletionStage<KeyCheck> check(ProviderKey key) {
        return CompletableFuture.completedFuture(KeyCheck.UNCHECKED);
    }
}
