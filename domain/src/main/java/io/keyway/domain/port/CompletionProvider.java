package io.keyway.domain.port;

import io.keyway.domain.completion.ModelDescriptor;
import io.keyway.domain.completion.UpstreamCall;
import io.keyway.domain.completion.UpstreamReply;

import java.util.List;
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

    /** The upstream's own model catalogue, with its own ids. */
    CompletionStage<List<ModelDescriptor>> models();
}
