package io.keyway.domain.usage;

import java.math.BigDecimal;

/**
 * What an upstream said an answer used, from its {@code usage} object; a field it did not send is null. On
 * {@code /v1/responses} the input and output tokens are the prompt and completion tokens.
 *
 * @param cost the upstream's own figure (OpenRouter's {@code usage.cost}, in credits), exactly as sent
 */
public record TokenUsage(Long promptTokens, Long completionTokens, Long totalTokens, Long cachedTokens, Long reasoningTokens,
                         BigDecimal cost) {
    public static final TokenUsage NONE = new TokenUsage(null, null, null, null, null, null);

    /** The total the upstream gave, or prompt + completion when it gave only those. */
    public long tokens() {
        if (totalTokens != null) {
            return totalTokens;
        }
        return (promptTokens == null ? 0 : promptTokens) + (completionTokens == null ? 0 : completionTokens);
    }

    public BigDecimal costOrZero() {
        return cost == null ? BigDecimal.ZERO : cost;
    }
}
