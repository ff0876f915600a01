package io.keyway.bootstrap;

import io.keyway.application.Outcome;
import io.keyway.application.Refusal;
import io.micronaut.context.ApplicationContext;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
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
    private static final Set<String> COMMANDS = Set.of("accounts", "keys", "db", "audit", "help", "--help", "-h", "--version", "-V");

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

        InputStream in() {
            return in;
        }

        PrintStream out() {
            return out;
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
            subcommands = {Serve.class, AccountCommands.Group.class, KeyCommands.Group.class, DbCommands.Group.class, AuditCommands.Group.class,
                    CommandLine.HelpCommand.class})
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

    static <T> int print(Session session, Outcome<T> outcome, Function<T, List<String>> lines) {
        if (outcome instanceof Outcome.Done<T> done) {
            lines.apply(done.value()).forEach(session.out()::println);
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
