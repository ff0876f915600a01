package io.keyway.application;

import io.keyway.domain.completion.ModelDescriptor;
import io.keyway.domain.completion.UpstreamCall;
import io.keyway.domain.completion.UpstreamReply;
import io.keyway.domain.port.CompletionProvider;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.SubmissionPublisher;

/** A {@link CompletionProvider} that records the calls it gets and answers 200 with an empty body. */
final class RecordingProvider implements CompletionProvider {
    private final String name;
    final List<UpstreamCall> calls = new CopyOnWriteArrayList<>();
    List<ModelDescriptor> catalogue = List.of();
    /** When set, the catalogue fetch fails with it. */
    RuntimeException catalogueFailure;
    /** The key each catalogue fetch was made with ("" for none). */
    final List<String> catalogueKeys = new CopyOnWriteArrayList<>();

    RecordingProvider(String name) {
        this.name = name;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String host() {
        return name + ".test";
    }

    @Override
    public CompletionStage<UpstreamReply> send(UpstreamCall call) {
        calls.add(call);
        SubmissionPublisher<byte[]> body = new SubmissionPublisher<>();
        body.close();
        return CompletableFuture.completedFuture(new UpstreamReply.Answered(200, Map.of(), body));
    }

    @Override
    public CompletionStage<List<ModelDescriptor>> models(java.util.Optional<io.keyway.domain.model.ProviderKey> callerKey) {
        catalogueKeys.add(callerKey.map(io.keyway.domain.model.ProviderKey::reveal).orElse(""));
        return catalogueFailure != null ? CompletableFuture.failedFuture(catalogueFailure) : CompletableFuture.completedFuture(catalogue);
    }
}
