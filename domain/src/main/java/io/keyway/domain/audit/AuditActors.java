package io.keyway.domain.audit;

/** The port that tells a change's writer who is making it (the HTTP request being served, or the CLI). */
public interface AuditActors {
    AuditActor current();
}
