package io.keyway.openai;

import io.keyway.domain.model.ProviderKey;
import io.keyway.domain.port.CompletionProvider;
import io.keyway.domain.port.CompletionProviderContract;

import java.util.Optional;

/** OpenRouter: every call carries the caller's own key. */
class OpenRouterContractTest extends CompletionProviderContract {
    private static final ProviderKey CALLER = ProviderKey.of("sk-or-v1-contract-caller-1234");

    @Override
    protected CompletionProvider connect(String baseUrl, Limits limits) {
        return Contracts.connect("openrouter", baseUrl, Optional.empty(), limits.connect(), limits.firstByte(), limits.idle(),
                limits.total(), limits.retries(), limits.backoff());
    }

    @Override
    protected Optional<ProviderKey> callerKey() {
        return Optional.of(CALLER);
    }

    @Override
    protected String expectedKey() {
        return CALLER.reveal();
    }
}
