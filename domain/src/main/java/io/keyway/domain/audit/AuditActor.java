package io.keyway.domain.audit;

/**
 * Who made a change, as the audit trail records it: {@code management_key:<id>}, {@code gateway_key:<id>},
 * {@code admin} or {@code cli}; the client's address and the request's id when it came over HTTP. Never a secret.
 */
public record AuditActor(String actor, String clientAddress, String requestId) {
    public static final AuditActor SYSTEM = new AuditActor("system", null, null);

    public AuditActor {
        actor = actor == null || actor.isBlank() ? "system" : actor;
    }
}
