package io.keyway.bootstrap;

import io.keyway.application.ViewAudit;
import io.keyway.domain.audit.AuditEvent;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code ./keyway audit list|verify --account ID}: an account's audit trail, as the operator reads it. */
final class AuditCommands {
    private AuditCommands() {
    }

    @Command(name = "audit", mixinStandardHelpOptions = true, versionProvider = KeywayCli.Version.class,
            description = "An account's audit trail: every change to it and its keys, with its hash chain.",
            subcommands = {AuditList.class, AuditVerify.class})
    static final class Group {
    }

    @Command(name = "list", mixinStandardHelpOptions = true, versionProvider = KeywayCli.Version.class,
            description = "The account's rows, newest first: id, time (UTC), action, key, provider, actor, change.")
    static final class AuditList implements Callable<Integer> {
        private final KeywayCli.Session session;
        @Option(names = "--account", required = true, description = "The account's id.")
        String account;
        @Option(names = "--limit", defaultValue = "100", description = "At most this many rows (1-500).")
        String limit;
        @Option(names = "--action", description = "Only this action, e.g. gateway_key.rotated.")
        String action;

        AuditList(KeywayCli.Session session) {
            this.session = session;
        }

        @Override
        public Integer call() {
            return KeywayCli.print(session, session.bean(ViewAudit.class).pageForOperator(account,
                    new ViewAudit.Parameters(null, null, action, null, limit, null)), page -> {
                List<String> lines = new ArrayList<>();
                for (AuditEvent event : page.events()) {
                    lines.add(event.sequence() + "\t" + Instant.ofEpochSecond(event.at().getEpochSecond()) + "\t" + event.action() + "\t"
                            + (event.keyId() == null ? "-" : event.keyId() + (page.keyDeleted(event) ? " (deleted)" : "")) + "\t" + (event.provider() == null ? "-" : event.provider())
                            + "\t" + event.actor().actor() + "\t" + event.change());
                }
                lines.add("head " + page.head());
                return lines;
            });
        }
    }

    @Command(name = "verify", mixinStandardHelpOptions = true, versionProvider = KeywayCli.Version.class,
            description = "Recomputes the account's hash chain; exit 1 when a row does not match.")
    static final class AuditVerify implements Callable<Integer> {
        private final KeywayCli.Session session;
        @Option(names = "--account", required = true, description = "The account's id.")
        String account;

        AuditVerify(KeywayCli.Session session) {
            this.session = session;
        }

        @Override
        public Integer call() {
            int[] status = {0};
            KeywayCli.print(session, session.bean(ViewAudit.class).verifyForOperator(account), verification -> {
                if (!verification.intact()) {
                    status[0] = 1;
                    return List.of("broken: row " + verification.firstMismatch() + " does not match its chain (" + verification.rows() + " rows)");
                }
                return List.of("intact: " + verification.rows() + " rows, head " + verification.head());
            });
            return status[0];
        }
    }
}
