package io.keyway.openai;

import io.keyway.domain.model.ProviderKey;
import io.keyway.domain.port.CompletionProvider;
import io.keyway.domain.port.CompletionProviderContract;

import java.util.Optional;

/** An operator's upstream: calls carry no caller key, and the operator's configured key is sent. */
class OperatorUpstreamContractTest extends CompletionProviderContract {
    private static final String OPERATOR_KEY = "operator-contract-key-0001";

    @Override
    protected CompletionProvider connect(String baseUrl, Limits limits) {
        return Contracts.connect("local", baseUrl, Optional.of(OPERATOR_KEY), limits.connect(), limits.firstByte(), limits.idle(),
                limits.total(), limits.retries(), limits.backoff());
    }

    @Override
    protected Optional<ProviderKey> callerKey() {
        return Optional.empty();
    }

    @Override
    protected String expectedKey() {
        return OPERATOR_KEY;
    }
}
