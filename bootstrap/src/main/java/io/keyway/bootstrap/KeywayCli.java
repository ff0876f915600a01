package io.keyway.bootstrap;

import io.keyway.application.Accounts;
import io.keyway.application.CreateAccount;
import io.keyway.application.IssueGatewayKey;
import io.keyway.application.Outcome;
import io.keyway.application.Refusal;
import io.keyway.application.RevokeGatewayKey;
import io.keyway.application.ViewGatewayKeys;
import io.keyway.domain.model.Account;
import io.keyway.domain.model.GatewayKey;
import io.micronaut.context.ApplicationContext;
import io.micronaut.data.connection.jdbc.advice.DelegatingDataSource;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import javax.sql.DataSource;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Function;

/**
 * The admin CLI in the gateway's own jar ({@code ./keyway <command>}), against the configured database or the
 * embedded default, with the same use cases as the HTTP API. Secrets are printed once, by the command that creates
 * them; a provider key is read from standard input, never from an argument (it would land in shell history and
 * {@code ps}). {@code --help} and {@code --version} start nothing: the database is reached only by a command that
 * needs it. Results go to standard output, errors and log lines to standard error; exit 0 on success, 1 when refused
 * or failed, 2 on a usage error.
 */
public final class KeywayCli {
    private static final Set<String> COMMANDS = Set.of("accounts", "keys", "db", "help", "--help", "-h", "--version", "-V");

    private KeywayCli() {
    }

    /** Whether these arguments ask for the CLI rather than the server ({@code serve --help} included). */
    static boolean isCommand(String[] args) {
        if (args.length == 0) {
            return false;
        }
        if (args[0].equals("serve")) {
            return List.of(args).contains("--help") || List.of(args).contains("-h");
        }
        return COMMANDS.contains(args[0]) || !args[0].startsWith("-");
    }

    /** Runs a command of a real invocation: log lines to standard error, warnings only, so that stdout is the result. */
    static int run(String[] args) {
        System.setProperty("KEYWAY_LOG_TARGET", "System.err");
        System.setProperty("KEYWAY_LOG_LEVEL", "WARN");
        return run(args, System.in, System.out, System.err, Map.of());
    }

    /**
     * Runs one command.
     *
     * @param properties the context's properties (a test passes its database here); the environment and system
     *                   properties apply as for the server
     */
    public static int run(String[] args, InputStream in, PrintStream out, PrintStream err, Map<String, Object> properties) {
        try (Session session = new Session(properties, in, out)) {
            CommandLine cli = new CommandLine(new Root(), new Factory(session));
            cli.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
            cli.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
            cli.setExecutionExceptionHandler((failure, commandLine, parsed) -> {
                commandLine.getErr().println("keyway: " + Keyway.rootMessage(failure));
                return 1;
            });
            return cli.execute(args);
        }
    }

    /** The application context, started on first use (with the embedded database when none is configured). */
    static final class Session implements AutoCloseable {
        private final Map<String, Object> properties;
        private final InputStream in;
        private final PrintStream out;
        private Keyway.Database database;
        private ApplicationContext context;

        Session(Map<String, Object> properties, InputStream in, PrintStream out) {
            this.properties = properties;
            this.in = in;
            this.out = out;
        }

        <T> T bean(Class<T> type) {
            if (context == null) {
                Keyway.checkConfiguration(new String[0], properties, false);
                database = Keyway.Database.prepare(properties);
                Map<String, Object> cli = new LinkedHashMap<>(database.properties());
                // A command lives for a second: no meters (they would only warn about each other at start).
                cli.put("micronaut.metrics.enabled", false);
                try {
                    context = ApplicationContext.builder().mainClass(Keyway.class).environments("cli").properties(cli).start();
                } catch (RuntimeException failed) {
                    database.close();
                    database = null;
                    throw failed;
                }
            }
            return context.getBean(type);
        }

        @Override
        public void close() {
            if (context != null) {
                context.close();
            }
            if (database != null) {
                database.close();
            }
        }
    }

    /** Gives each command the session: a command class has either a no-argument constructor or one taking the session. */
    private record Factory(Session session) implements CommandLine.IFactory {
        @Override
        public <K> K create(Class<K> type) throws Exception {
            try {
                return type.getDeclaredConstructor(Session.class).newInstance(session);
            } catch (NoSuchMethodException noSession) {
                return CommandLine.defaultFactory().create(type);
            }
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            Properties version = new Properties();
            try (InputStream in = KeywayCli.class.getResourceAsStream("/keyway-version.properties")) {
                if (in != null) {
                    version.load(in);
                }
            }
            return new String[]{"Keyway " + version.getProperty("version", "unknown") + " (Java " + Runtime.version() + ")"};
        }
    }

    @Command(name = "keyway", mixinStandardHelpOptions = true, versionProvider = Version.class,
            description = {"An OpenAI-compatible LLM gateway whose operator cannot read its users' provider keys.", "",
                    "Without a command, or with 'serve', it runs the gateway. The other commands act on the configured "
                            + "database (DATASOURCES_DEFAULT_URL, _USERNAME, _PASSWORD) or the embedded one in ./keyway-data.", ""},
            subcommands = {Serve.class, AccountsCommand.class, KeysCommand.class, DbCommand.class, CommandLine.HelpCommand.class})
    static final class Root implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            spec.commandLine().usage(spec.commandLine().getOut());
            return 0;
        }
    }

    @Command(name = "serve", mixinStandardHelpOptions = true, versionProvider = Version.class,
            description = "Runs the gateway (the default). Settings as -name=value arguments, system properties or "
                    + "environment variables: ./keyway serve -micronaut.server.port=9090")
    static final class Serve implements Callable<Integer> {
        @CommandLine.Unmatched
        List<String> settings;

        @Override
        public Integer call() {
            // Reached only for 'serve --help' (main starts the server for any other 'serve').
            return 0;
        }
    }

    @Command(name = "accounts", mixinStandardHelpOptions = true, versionProvider = Version.class,
            description = "Create, list and delete accounts.",
            subcommands = {AccountsCreate.class, AccountsList.class, AccountsDelete.class})
    static final class AccountsCommand {
    }

    @Command(name = "create", mixinStandardHelpOptions = true, versionProvider = Version.class,
            description = "Creates an account and prints its id and its first management key (shown once).")
    static final class AccountsCreate implements Callable<Integer> {
        private final Session session;

        @Parameters(index = "0", paramLabel = "NAME", description = "The account's name.")
        String name;

        AccountsCreate(Session session) {
            this.session = session;
        }

        @Override
        public Integer call() {
            return print(session, session.bean(CreateAccount.class).create(name), created -> List.of(
                    "account_id      " + created.account().id(),
                    "name            " + created.account().name(),
                    "management_key  " + created.managementKey(),
                    "",
                    "The management key is shown this once: store it now. Use it as the Bearer token of /v1/keys."));
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, versionProvider = Version.class,
            description = "Lists every account: id, creation time, name.")
    static final class AccountsList implements Callable<Integer> {
        private final Session session;

        AccountsList(Session session) {
            this.session = session;
        }

        @Override
        public Integer call() {
            List<Account> accounts = session.bean(Accounts.class).list();
            session.out.println(String.format("%-36s  %-20s  %s", "ID", "CREATED", "NAME"));
            for (Account account : accounts) {
                session.out.println(String.format("%-36s  %-20s  %s", account.id(), account.createdAt().truncatedTo(java.time.temporal.ChronoUnit.SECONDS), account.name()));
            }
            return 0;
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, versionProvider = Version.class,
            description = "Deletes an account with every key it holds; each is refused from its next request on.")
    static final class AccountsDelete implements Callable<Integer> {
        private final Session session;

        @Parameters(index = "0", paramLabel = "ID", description = "The account's id.")
        String id;

        AccountsDelete(Session session) {
            this.session = session;
        }

        @Override
        public Integer call() {
            return print(session, session.bean(Accounts.class).delete(id), deleted -> List.of("deleted account " + deleted));
        }
    }

    @Command(name = "keys", mixinStandardHelpOptions = true, versionProvider = Version.class,
            description = "Create, list and revoke an account's gateway keys.",
            subcommands = {KeysCreate.class, KeysList.class, KeysRevoke.class})
    static final class KeysCommand {
    }

    @Command(name = "create", mixinStandardHelpOptions = true, versionProvider = Version.class,
            description = {"Creates a gateway key for an account and prints it (shown once).", "",
                    "With --openrouter-key-stdin, the first line of standard input is the user's OpenRouter key, sealed under "
                            + "the new key's secret: printf '%%s\\n' \"$KEY\" | ./keyway keys create ... --openrouter-key-stdin", ""})
    static final class KeysCreate implements Callable<Integer> {
        private final Session session;

        @Option(names = "--account", required = true, paramLabel = "ID", description = "The account's id.")
        String account;

        @Option(names = "--name", required = true, paramLabel = "NAME", description = "The key's name.")
        String name;

        @Option(names = "--openrouter-key-stdin", description = "Read an OpenRouter key from standard input (never from an argument).")
        boolean openRouterKeyFromStdin;

        @Option(names = "--expires-at", paramLabel = "UNIX_SECONDS", description = "When the key stops working.")
        Long expiresAt;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        /** Accepted only to refuse it without echoing the key back (picocli would print an unknown option's value). */
        @Option(names = "--openrouter-key", hidden = true)
        String keyAsArgument;

        KeysCreate(Session session) {
            this.session = session;
        }

        @Override
        public Integer call() throws IOException {
            if (keyAsArgument != null) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--openrouter-key is refused: an argument lands in shell "
                        + "history and in ps. Pipe the key in with --openrouter-key-stdin instead; nothing was created.");
            }
            Map<String, String> providerKeys = new LinkedHashMap<>();
            if (openRouterKeyFromStdin) {
                String line = new BufferedReader(new InputStreamReader(session.in, StandardCharsets.UTF_8)).readLine();
                if (line == null || line.isBlank()) {
                    throw new CommandLine.ParameterException(spec.commandLine(),
                            "--openrouter-key-stdin: standard input held no key (pipe it in: printf '%s\\n' \"$KEY\" | ...)");
                }
                providerKeys.put("openrouter", line.strip());
            }
            return print(session, session.bean(IssueGatewayKey.class).issueForAccount(account, name, providerKeys, expiresAt), created -> List.of(
                    "key_id          " + created.key().id().value(),
                    "name            " + created.key().name(),
                    "provider_keys   " + providers(created.key()),
                    "expires_at      " + created.key().expiry().map(Instant::toString).orElse("never"),
                    "key             " + created.secret(),
                    "",
                    "The key is shown this once: give it to its user now. It is the Bearer token of /v1."));
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, versionProvider = Version.class,
            description = "Lists an account's gateway keys (never a secret): id, creation, expiry, provider keys, name.")
    static final class KeysList implements Callable<Integer> {
        private final Session session;

        @Option(names = "--account", required = true, paramLabel = "ID", description = "The account's id.")
        String account;

        KeysList(Session session) {
            this.session = session;
        }

        @Override
        public Integer call() {
            return print(session, session.bean(ViewGatewayKeys.class).listForAccount(account), keys -> {
                List<String> lines = new java.util.ArrayList<>();
                lines.add(String.format("%-16s  %-20s  %-20s  %-14s  %s", "ID", "CREATED", "EXPIRES", "PROVIDER_KEYS", "NAME"));
                for (GatewayKey key : keys) {
                    lines.add(String.format("%-16s  %-20s  %-20s  %-14s  %s", key.id().value(), key.createdAt().truncatedTo(java.time.temporal.ChronoUnit.SECONDS),
                            key.expiry().map(Instant::toString).orElse("never"),
                            key.providerKeys().isEmpty() ? "-" : providers(key),
                            key.name()));
                }
                return lines;
            });
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true, versionProvider = Version.class,
            description = "Deletes a gateway key with its provider keys: refused from its next request on, on every instance.")
    static final class KeysRevoke implements Callable<Integer> {
        private final Session session;

        @Parameters(index = "0", paramLabel = "ID", description = "The key's id.")
        String id;

        KeysRevoke(Session session) {
            this.session = session;
        }

        @Override
        public Integer call() {
            return print(session, session.bean(RevokeGatewayKey.class).revokeAny(id), revoked -> List.of("revoked gateway key " + revoked.value()));
        }
    }

    @Command(name = "db", mixinStandardHelpOptions = true, versionProvider = Version.class,
            description = "The database's schema.", subcommands = DbMigrate.class)
    static final class DbCommand {
    }

    @Command(name = "migrate", mixinStandardHelpOptions = true, versionProvider = Version.class,
            description = "Applies every pending migration (the server also does at start) and prints the schema version.")
    static final class DbMigrate implements Callable<Integer> {
        private final Session session;

        DbMigrate(Session session) {
            this.session = session;
        }

        @Override
        public Integer call() throws Exception {
            // Flyway runs when the context starts its datasource: by the time the bean is here, migration is done.
            DataSource dataSource = DelegatingDataSource.unwrapDataSource(session.bean(DataSource.class));
            try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
                 ResultSet rows = statement.executeQuery(
                         "select version, description from flyway_schema_history where success and version is not null order by installed_rank")) {
                String last = null;
                int count = 0;
                while (rows.next()) {
                    last = "V" + rows.getString(1) + " " + rows.getString(2);
                    count++;
                }
                session.out.println("schema up to date: " + count + " migrations applied, the last " + last);
            }
            return 0;
        }
    }

    /** The providers whose keys a gateway key carries, comma-separated. */
    private static String providers(GatewayKey key) {
        return String.join(",", key.providerKeys().keySet().stream().map(p -> p.value()).toList());
    }

    private static <T> int print(Session session, Outcome<T> outcome, Function<T, List<String>> lines) {
        if (outcome instanceof Outcome.Done<T> done) {
            lines.apply(done.value()).forEach(session.out::println);
            return 0;
        }
        Refusal refusal = ((Outcome.Refused<T>) outcome).refusal();
        throw new CommandFailed(refusal.message());
    }

    /** A refusal from a use case: its message is what the operator reads, with exit status 1. */
    static final class CommandFailed extends RuntimeException {
        CommandFailed(String message) {
            super(message, null, false, false);
        }
    }
}
