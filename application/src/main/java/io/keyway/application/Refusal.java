package io.keyway.application;

import io.keyway.domain.model.ProviderId;
import io.keyway.domain.port.LimitCounters;

import java.time.Instant;
import java.time.format.DateTimeFormatter;

/** The expected ways a request is turned down. Messages are shown to callers: they never carry a secret. */
public sealed interface Refusal {
    String message();

    /** No key, a malformed key, or a key that is unknown or revoked. */
    record Unauthenticated(String message) implements Refusal {
    }

    /** The right secret for a key that has expired. */
    record Expired(Instant at) implements Refusal {
        @Override
        public String message() {
            return "This API key expired at " + DateTimeFormatter.ISO_INSTANT.format(at) + " (" + at.getEpochSecond()
                    + " in unix seconds). Create a new key with your management key.";
        }
    }

    /** The thing changed while this request was changing it; nothing was done and trying again is safe. */
    record Conflict(String message) implements Refusal {
    }

    /** A valid key of the kind that may not do this. */
    record WrongKeyKind(String message) implements Refusal {
    }

    /** The request itself is wrong; {@code param} names the field, when there is one. */
    record InvalidRequest(String message, String param) implements Refusal {
    }

    /** The thing asked for does not exist for this caller. */
    record NotFound(String message) implements Refusal {
    }

    record ModelNotFound(String model) implements Refusal {
        @Override
        public String message() {
            return "The model '" + model + "' does not exist or is not served by this gateway.";
        }
    }

    /** How to attach the key is the adapter's to say (the HTTP API and the CLI say it differently). */
    record ProviderKeyMissing(ProviderId provider) implements Refusal {
        @Override
        public String message() {
            return "Models prefixed '" + provider.modelPrefix() + "' are called with your own " + provider
                    + " key, and this gateway key has none.";
        }
    }

    /** A provider key its provider refused (401 or 403) when it was checked before being attached; nothing was stored. */
    record ProviderKeyInvalid(ProviderId provider, String param) implements Refusal {
        @Override
        public String message() {
            return "The " + provider + " key was refused by " + provider + " (it answered 401 or 403 to a models list with it); "
                    + "nothing was stored. Check the key, or ask the operator to turn keyway.providers." + provider + ".check-keys off.";
        }
    }

    /** A sealed provider key failed to open under the key that presented it: the stored blob was altered. */
    record ProviderKeyUnreadable(ProviderId provider) implements Refusal {
        @Override
        public String message() {
            return "The " + provider + " key attached to this gateway key could not be unsealed.";
        }
    }

    /**
     * Every deployment that could answer {@code model} (its group and every fallback) is cooling down after failing
     * or being rate-limited: refused at once, with no upstream call, until the soonest one may be tried again.
     */
    record UpstreamsCoolingDown(String model, long retryAfterSeconds) implements Refusal {
        @Override
        public String message() {
            return "Every upstream that serves '" + model + "' is cooling down after failures or rate limits; try again in "
                    + retryAfterSeconds + " s.";
        }
    }

    /** A key over one of its limits: requests or tokens (429 rate_limit_exceeded), cost (budget_exceeded). */
    record LimitExceeded(LimitCounters.Admission admission) implements Refusal {
        @Override
        public String message() {
            return switch (admission.exceeded()) {
                case REQUESTS -> "This gateway key is limited to " + admission.requests().limit() + " requests a minute; try again in "
                        + admission.retryAfterSeconds() + " s.";
                case TOKENS -> "This gateway key has used its " + admission.tokens().limit() + " tokens for today (UTC); try again in "
                        + admission.retryAfterSeconds() + " s.";
                default -> "This gateway key has spent its budget of " + admission.cost().limit() + " for this month (UTC); it resets in "
                        + admission.retryAfterSeconds() + " s.";
            };
        }
    }
}
