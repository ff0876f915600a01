package io.keyway.bootstrap;

import io.keyway.domain.audit.AuditActor;
import io.keyway.domain.audit.AuditActors;
import io.micronaut.context.annotation.Requires;
import jakarta.inject.Singleton;

/** Changes made by {@code ./keyway} commands are the CLI's, in the audit trail. */
@Singleton
@Requires(env = "cli")
final class CliAuditActors implements AuditActors {
    private static final AuditActor CLI = new AuditActor("cli", null, null);

    @Override
    public AuditActor current() {
        return CLI;
    }
}
