package io.keyway.domain.usage;

import java.math.BigDecimal;

/**
 * What an upstream said an answer used, from its {@code usage} object; a field it did not send is null. On
 * {@code /v1/responses} the input and output tokens are the prompt and completion tokens.
 *
 * @param cost the upstream's own figure (OpenRouter's {@code usage.cost}, in credits), exactly as sent
 * @param estimated Keyway's estimate ({@link #estimated}), not the upstream's figures
 */
public record TokenUsage(Long promptTokens, Long completionTokens, Long totalTokens, Long cachedTokens, Long reasoningTokens,
                         BigDecimal cost, boolean estimated) {
    public static final TokenUsage NONE = new TokenUsage(null, null, null, null, null, null);

    /** What the upstream reported. */
    public TokenUsage(Long promptTokens, Long completionTokens, Long totalTokens, Long cachedTokens, Long reasoningTokens,
                      BigDecimal cost) {
        this(promptTokens, completionTokens, totalTokens, cachedTokens, reasoningTokens, cost, false);
    }

    /**
     * Keyway's estimate for an answer that ended before the upstream reported its usage (the client left a stream
     * before its usage event): no cost, as prices are not known for every upstream.
     */
    public static TokenUsage estimated(long promptTokens, long completionTokens) {
        return new TokenUsage(promptTokens, completionTokens, promptTokens + completionTokens, null, null, null, true);
    }

    /** Whether the upstream reported anything. */
    public boolean reported() {
        return !estimated && (promptTokens != null || completionTokens != null || totalTokens != null || cost != null);
    }

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
