package io.keyway.domain.audit;

import io.keyway.domain.model.AccountId;

import java.time.Instant;
import java.util.List;

/** The port that reads an account's audit trail (rows are written by the key vault, with the change they record). */
public interface AuditLog {
    /** Newest first, at most {@code limit}, older than {@code before} (a sequence) when it is set. */
    Page page(AccountId account, Query query);

    /** The whole chain of one account, checked from its first row. */
    AuditChain.Verification verify(AccountId account);

    record Query(Instant from, Instant to, String action, String keyId, int limit, Long before) {
    }

    /**
     * A page, the account's chain head (the newest row's hash) and the cursor of the next page, or null; and which of
     * the keys its rows name still exist when it was read (a revoked or deleted key's rows stay, showing it gone).
     */
    record Page(List<AuditEvent> events, String head, Long next, java.util.Set<String> existingKeys) {
        public Page {
            existingKeys = java.util.Set.copyOf(existingKeys);
        }

        /** Whether the key {@code event} names no longer exists; false when it names none. */
        public boolean keyDeleted(AuditEvent event) {
            return event.keyId() != null && !existingKeys.contains(event.keyId());
        }
    }
}
