package io.keyway.domain.audit;

import io.keyway.domain.model.AccountId;

import java.time.Instant;

/**
 * One row of an account's audit trail: a change to the account or one of its keys, who made it, and the row's link in
 * the account's hash chain ({@link AuditChain}).
 *
 * @param sequence the row's place in the trail of every account (increasing; the cursor of a page)
 * @param at       when, to the microsecond
 * @param action   what, e.g. {@code gateway_key.rotated}
 * @param keyId    the gateway or management key concerned, or null
 * @param provider the provider key's provider, or null
 * @param change   the change as canonical JSON (sorted keys, no secret): old and new limits, a grace period, the last
 *                 four characters of a provider key
 * @param previous the hash of the account's row before this one (32 zero bytes for its first); after the retention
 *                 prune, the oldest row left keeps the hash of a row that is gone, and the chain is checked from it
 * @param hash     SHA-256 of {@code previous} and this row's canonical content
 */
public record AuditEvent(long sequence, Instant at, AccountId account, String action, String keyId, String provider, String change,
                         AuditActor actor, byte[] previous, byte[] hash) {
}
