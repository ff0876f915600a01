package io.keyway.domain.audit;

import io.keyway.domain.model.AccountId;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;

/**
 * Each account's audit rows form a hash chain: a row's hash is SHA-256 of the previous row's hash (32 zero bytes for
 * the first) and the row's canonical content, each field length-prefixed so that no two rows share an encoding. A row
 * edited or removed breaks the chain at the first row after it, unless every later row was rewritten too; a head the
 * account saved earlier then no longer matches.
 */
public final class AuditChain {
    public static final byte[] GENESIS = new byte[32];

    private AuditChain() {
    }

    public static byte[] hash(byte[] previous, Instant at, AccountId account, String action, String keyId, String provider, String change,
                              AuditActor actor) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(previous);
            field(sha, "v1");
            field(sha, Long.toString(at.getEpochSecond() * 1_000_000L + at.getNano() / 1_000));
            field(sha, account.value().toString());
            field(sha, action);
            field(sha, keyId);
            field(sha, provider);
            field(sha, change);
            field(sha, actor.actor());
            field(sha, actor.clientAddress());
            field(sha, actor.requestId());
            return sha.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Null and empty differ: -1 for null, else the UTF-8 length, then the bytes. */
    private static void field(MessageDigest sha, String value) {
        if (value == null) {
            sha.update(ByteBuffer.allocate(4).putInt(-1).array());
            return;
        }
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        sha.update(ByteBuffer.allocate(4).putInt(bytes.length).array());
        sha.update(bytes);
    }

    public static byte[] hashOf(byte[] previous, AuditEvent event) {
        return hash(previous, event.at(), event.account(), event.action(), event.keyId(), event.provider(), event.change(), event.actor());
    }

    /** What a check of a chain found: the rows checked, the head, and the first row that does not match (or null). */
    public record Verification(long rows, String head, Long firstMismatch) {
        public boolean intact() {
            return firstMismatch == null;
        }
    }

    /**
     * Checks rows in their order (oldest first): each row's hash recomputed from its previous hash and content, and
     * each row's previous hash equal to the hash of the row before it. The oldest row's previous hash is taken as it
     * is: the genesis, or the hash of a row the retention prune removed.
     */
    public static Verification verify(List<AuditEvent> oldestFirst) {
        byte[] previous = oldestFirst.isEmpty() ? GENESIS : oldestFirst.get(0).previous();
        for (AuditEvent event : oldestFirst) {
            if (!MessageDigest.isEqual(previous, event.previous()) || !MessageDigest.isEqual(hashOf(previous, event), event.hash())) {
                return new Verification(oldestFirst.size(), hex(previous), event.sequence());
            }
            previous = event.hash();
        }
        return new Verification(oldestFirst.size(), hex(previous), null);
    }

    public static String hex(byte[] hash) {
        return HexFormat.of().formatHex(hash);
    }
}
