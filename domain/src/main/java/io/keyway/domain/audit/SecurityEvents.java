package io.keyway.domain.audit;

import io.keyway.domain.keys.KeyId;
import io.keyway.domain.model.AccountId;

import java.time.Instant;
import java.util.Set;

/**
 * The port that puts on the audit trail what is not a change to an account but its holder should see: a key first
 * refused because it expired, and an address locked out for failing authentication. Neither may hold up the request
 * that caused it: an implementation records them in the background, and a failure to record is logged, never thrown.
 */
public interface SecurityEvents {
    /** Does nothing: for cores built without an audit trail (unit tests of the use cases). */
    SecurityEvents NONE = new SecurityEvents() {
        @Override
        public void expiredKeyRefused(AccountId account, KeyId key, Instant expiredAt) {
        }

        @Override
        public void lockedOut(String clientAddress, Set<String> keyIds, int failures, Instant until) {
        }
    };

    /**
     * The key's holder presented its right secret after {@code expiredAt}: recorded once per key (the first refusal),
     * whatever number of refusals follow.
     */
    void expiredKeyRefused(AccountId account, KeyId key, Instant expiredAt);

    /**
     * {@code clientAddress} failed authentication {@code failures} times within the window and is refused until
     * {@code until}: recorded once per lockout, on the trail of each account owning one of the {@code keyIds}
     * presented (public key ids, gateway or management), the only accounts the lockout concerns.
     */
    void lockedOut(String clientAddress, Set<String> keyIds, int failures, Instant until);
}
