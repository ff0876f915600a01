package io.keyway.bootstrap;

import io.keyway.application.IssueGatewayKey;
import io.keyway.application.RevokeGatewayKey;
import io.keyway.application.ViewGatewayKeys;
import io.keyway.domain.model.GatewayKey;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import io.keyway.domain.completion.KeyCheck;
import io.keyway.domain.model.ProviderId;
import java.util.concurrent.Callable;

/** {@code ./keyway keys create|list|revoke}: gateway keys, a provider key read from standard input only. */
final class KeyCommands {
    private KeyCommands() {
    }

    @Command(name = "keys", mixinStandardHelpOptions = true, versionProvider = KeywayCli.Version.class,
            description = "Create, list and revoke an account's gateway keys.",
            subcommands = {KeysCreate.class, KeysList.class, KeysRevoke.class})
    static final class Group {
    }

    @Command(name = "create", mixinStandardHelpOptions = true, versionProvider = KeywayCli.Version.class,
            description = {"Creates a gateway key for an account and prints it (shown once).", "",
                    "With --provider NAME --provider-key-stdin, the first line of standard input is the user's key at that provider "
                            + "(openrouter, openai, anthropic, gemini, groq, mistral, together, deepseek, xai, or any the operator enabled), "
                            + "checked with the provider and sealed under the new key's secret: "
                            + "printf '%%s\\n' \"$KEY\" | ./keyway keys create ... --provider anthropic --provider-key-stdin. "
                            + "--openrouter-key-stdin is short for --provider openrouter --provider-key-stdin.", ""})
    static final class KeysCreate implements Callable<Integer> {
        private final KeywayCli.Session session;

        @Option(names = "--account", required = true, paramLabel = "ID", description = "The account's id.")
        String account;

        @Option(names = "--name", required = true, paramLabel = "NAME", description = "The key's name.")
        String name;

        @Option(names = "--openrouter-key-stdin", description = "Read an OpenRouter key from standard input (never from an argument).")
        boolean openRouterKeyFromStdin;

        @Option(names = "--provider", paramLabel = "NAME", description = "The provider whose key --provider-key-stdin reads.")
        String provider;

        @Option(names = "--provider-key-stdin", description = "Read the --provider's key from standard input (never from an argument).")
        boolean providerKeyFromStdin;

        @Option(names = "--expires-at", paramLabel = "UNIX_SECONDS", description = "When the key stops working.")
        Long expiresAt;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        /** Accepted only to refuse it without echoing the key back (picocli would print an unknown option's value). */
        @Option(names = {"--openrouter-key", "--provider-key"}, hidden = true)
        String keyAsArgument;

        KeysCreate(KeywayCli.Session session) {
            this.session = session;
        }

        @Override
        public Integer call() throws IOException {
            if (keyAsArgument != null) {
                throw new CommandLine.ParameterException(spec.commandLine(), "A provider key as an argument is refused: an argument lands in shell "
                        + "history and in ps. Pipe the key in with --provider NAME --provider-key-stdin instead; nothing was created.");
            }
            if (providerKeyFromStdin != (provider != null)) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--provider and --provider-key-stdin go together: "
                        + "printf '%s\\n' \"$KEY\" | ./keyway keys create ... --provider anthropic --provider-key-stdin");
            }
            if (openRouterKeyFromStdin && providerKeyFromStdin) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--openrouter-key-stdin and --provider-key-stdin both read "
                        + "standard input: use one of them");
            }
            Map<String, String> providerKeys = new LinkedHashMap<>();
            if (openRouterKeyFromStdin || providerKeyFromStdin) {
                String option = openRouterKeyFromStdin ? "--openrouter-key-stdin" : "--provider-key-stdin";
                String line = new BufferedReader(new InputStreamReader(session.in(), StandardCharsets.UTF_8)).readLine();
                if (line == null || line.isBlank()) {
                    throw new CommandLine.ParameterException(spec.commandLine(),
                            option + ": standard input held no key (pipe it in: printf '%s\\n' \"$KEY\" | ...)");
                }
                providerKeys.put(openRouterKeyFromStdin ? "openrouter" : provider, line.strip());
            }
            return KeywayCli.print(session, session.bean(IssueGatewayKey.class).issueForAccount(account, name, providerKeys, expiresAt), created -> List.of(
                    "key_id          " + created.key().id().value(),
                    "name            " + created.key().name(),
                    "provider_keys   " + providers(created.key()) + checked(created.checks()),
                    "expires_at      " + created.key().expiry().map(Instant::toString).orElse("never"),
                    "key             " + created.secret(),
                    "",
                    "The key is shown this once: give it to its user now. It is the Bearer token of /v1."));
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, versionProvider = KeywayCli.Version.class,
            description = "Lists an account's gateway keys (never a secret): id, creation, expiry, provider keys, name.")
    static final class KeysList implements Callable<Integer> {
        private final KeywayCli.Session session;

        @Option(names = "--account", required = true, paramLabel = "ID", description = "The account's id.")
        String account;

        KeysList(KeywayCli.Session session) {
            this.session = session;
        }

        @Override
        public Integer call() {
            return KeywayCli.print(session, session.bean(ViewGatewayKeys.class).listForAccount(account), keys -> {
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

    @Command(name = "revoke", mixinStandardHelpOptions = true, versionProvider = KeywayCli.Version.class,
            description = "Deletes a gateway key with its provider keys: refused from its next request on, on every instance.")
    static final class KeysRevoke implements Callable<Integer> {
        private final KeywayCli.Session session;

        @Parameters(index = "0", paramLabel = "ID", description = "The key's id.")
        String id;

        KeysRevoke(KeywayCli.Session session) {
            this.session = session;
        }

        @Override
        public Integer call() {
            return KeywayCli.print(session, session.bean(RevokeGatewayKey.class).revokeAny(id), revoked -> List.of("revoked gateway key " + revoked.value()));
        }
    }

    /** Whether each provider confirmed its key: "(checked)" or "(not checked: the provider could not be asked)". */
    private static String checked(Map<ProviderId, KeyCheck> checks) {
        if (checks.isEmpty()) {
            return "";
        }
        List<String> said = checks.entrySet().stream().map(entry -> entry.getKey().value() + " "
                + (entry.getValue() == KeyCheck.ACCEPTED ? "checked" : "not checked: the provider could not be asked")).toList();
        return " (" + String.join("; ", said) + ")";
    }

    /** The providers whose keys a gateway key carries, comma-separated. */
    private static String providers(GatewayKey key) {
        return String.join(",", key.providerKeys().keySet().stream().map(p -> p.value()).toList());
    }
}
