package io.keyway.application;

import io.keyway.domain.model.KeyLimits;

import java.math.BigDecimal;

/**
 * Limits as a request gave them: each field absent (keep it), null (remove it) or a value. Checked here, so that
 * every way in (the API at creation, PATCH, the CLI) refuses the same things with the same message.
 */
public record LimitsInput(Field<Long> requestsPerMinute, Field<Long> tokensPerDay, Field<BigDecimal> costPerMonth) {
    public static final LimitsInput UNCHANGED = new LimitsInput(Field.absent(), Field.absent(), Field.absent());

    /** A field that was absent ({@code given} false), null, or a value. */
    public record Field<T>(boolean given, T value) {
        public static <T> Field<T> absent() {
            return new Field<>(false, null);
        }

        public static <T> Field<T> of(T value) {
            return new Field<>(true, value);
        }

        T over(T current) {
            return given ? value : current;
        }
    }

    /** These changes applied to {@code current}, or why they cannot be. */
    Outcome<KeyLimits> applyTo(KeyLimits current) {
        Long requests = requestsPerMinute.over(current.requestsPerMinute());
        Long tokens = tokensPerDay.over(current.tokensPerDay());
        BigDecimal cost = costPerMonth.over(current.costPerMonth());
        if (requests != null && requests < 1) {
            return refused("requests_per_minute", "a whole number of 1 or more");
        }
        if (tokens != null && tokens < 1) {
            return refused("tokens_per_day", "a whole number of 1 or more");
        }
        if (cost != null && cost.signum() <= 0) {
            return refused("cost_per_month", "a number above 0");
        }
        return Outcome.done(new KeyLimits(requests, tokens, cost));
    }

    private static Outcome<KeyLimits> refused(String field, String what) {
        return Outcome.refused(new Refusal.InvalidRequest("'limits." + field + "' must be " + what + ", or null for no limit.",
                "limits." + field));
    }
}
