package io.keyway.bootstrap;

import io.keyway.application.Accounts;
import io.keyway.application.CreateAccount;
import io.keyway.domain.model.Account;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.util.List;
import java.util.concurrent.Callable;

/** {@code ./keyway accounts create|list|delete}: the operator's accounts. */
final class AccountCommands {
    private AccountCommands() {
    }

    @Command(name = "accounts", mixinStandardHelpOptions = true, versionProvider = KeywayCli.Version.class,
            description = "Create, list and delete accounts.",
            subcommands = {AccountsCreate.class, AccountsList.class, AccountsDelete.class})
    static final class Group {
    }

    @Command(name = "create", mixinStandardHelpOptions = true, versionProvider = KeywayCli.Version.class,
            description = "Creates an account and prints its id and its first management key (shown once).")
    static final class AccountsCreate implements Callable<Integer> {
        private final KeywayCli.Session session;

        @Parameters(index = "0", paramLabel = "NAME", description = "The account's name.")
        String name;

        AccountsCreate(KeywayCli.Session session) {
            this.session = session;
        }

        @Override
        public Integer call() {
            return KeywayCli.print(session, session.bean(CreateAccount.class).create(name), created -> List.of(
                    "account_id      " + created.account().id(),
                    "name            " + created.account().name(),
                    "management_key  " + created.managementKey(),
                    "",
                    "The management key is shown this once: store it now. Use it as the Bearer token of /v1/keys."));
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, versionProvider = KeywayCli.Version.class,
            description = "Lists every account: id, creation time, name.")
    static final class AccountsList implements Callable<Integer> {
        private final KeywayCli.Session session;

        AccountsList(KeywayCli.Session session) {
            this.session = session;
        }

        @Override
        public Integer call() {
            List<Account> accounts = session.bean(Accounts.class).list();
            session.out().println(String.format("%-36s  %-20s  %s", "ID", "CREATED", "NAME"));
            for (Account account : accounts) {
                session.out().println(String.format("%-36s  %-20s  %s", account.id(), account.createdAt().truncatedTo(java.time.temporal.ChronoUnit.SECONDS), account.name()));
            }
            return 0;
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, versionProvider = KeywayCli.Version.class,
            description = "Deletes an account with every key it holds; each is refused from its next request on.")
    static final class AccountsDelete implements Callable<Integer> {
        private final KeywayCli.Session session;

        @Parameters(index = "0", paramLabel = "ID", description = "The account's id.")
        String id;

        AccountsDelete(KeywayCli.Session session) {
            this.session = session;
        }

        @Override
        public Integer call() {
            return KeywayCli.print(session, session.bean(Accounts.class).delete(id), deleted -> List.of("deleted account " + deleted));
        }
    }
}
