package io.keyway.bootstrap;

import io.keyway.domain.testkit.Await;
import java.time.Duration;

import io.keyway.domain.testkit.FakeUpstream;
import io.keyway.testkit.Gateway;
import io.keyway.testkit.KeywayExtension;
import io.keyway.testkit.SecretLedger;
import io.micronaut.context.ApplicationContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The admin CLI run in-process against the running gateway's own PostgreSQL, as an operator would on the same
 * database: what it creates works over HTTP at once, what it revokes is refused by the running gateway.
 */
class AdminCliTest {
    @RegisterExtension
    static final KeywayExtension keyway = KeywayExtension.standard();

    private record Run(int status, String out, String err) {
        String field(String name) {
            Matcher matcher = Pattern.compile("(?m)^" + Pattern.quote(name) + " +(\\S+)$").matcher(out);
            assertTrue(matcher.find(), "no " + name + " in:\n" + out);
            return matcher.group(1);
        }
    }

    private static Run cli(String stdin, String... args) {
        ApplicationContext running = keyway.gateway().context();
        Map<String, Object> database = Map.of(
                "datasources.default.url", running.getRequiredProperty("datasources.default.url", String.class),
                "datasources.default.username", running.getRequiredProperty("datasources.default.username", String.class),
                "datasources.default.password", running.getRequiredProperty("datasources.default.password", String.class));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = KeywayCli.run(args, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), database);
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** The running gateway learns of the CLI's change by notification: within a second. */
    private static void within1s(int expected, Supplier<HttpResponse<String>> call) {
        Await.value(call, response -> response.statusCode() == expected, Duration.ofSeconds(1), "HTTP " + expected + " from the running gateway");
    }

    @Test
    void anAccountAndAKeyMadeByTheCliWorkOverHttpAndTheirRevocationReachesTheRunningGateway() throws Exception {
        Gateway gateway = keyway.gateway();
        FakeUpstream openRouter = keyway.openRouter();
        String name = "cli-" + UUID.randomUUID();

        Run account = cli("", "accounts", "create", name);
        assertEquals(0, account.status(), account.err());
        String accountId = account.field("account_id");
        String management = SecretLedger.record(account.field("management_key"));
        assertEquals(200, gateway.get("/v1/keys", management).statusCode(), "the management key works over HTTP");

        String openRouterKey = SecretLedger.record("sk-or-v1-cli-" + UUID.randomUUID());
        Run created = cli(openRouterKey + "\n", "keys", "create", "--account", accountId, "--name", "ci runner", "--openrouter-key-stdin");
        assertEquals(0, created.status(), created.err());
        String key = SecretLedger.record(created.field("key"));
        String keyId = created.field("key_id");
        openRouter.answer("chat/completions", FakeUpstream.json(200, FakeUpstream.chatCompletion("a/b", "hi")));
        assertEquals(200, gateway.post("/v1/chat/completions", key, "{\"model\":\"openrouter-a/b\"}").statusCode());
        assertEquals("Bearer " + openRouterKey, openRouter.last().header("Authorization"), "the key sealed by the CLI is unsealed by the gateway");

        Run listed = cli("", "keys", "list", "--account", accountId);
        assertEquals(0, listed.status());
        assertTrue(listed.out().contains(keyId) && listed.out().contains("ci runner") && listed.out().contains("openrouter"), listed.out());
        assertFalse(listed.out().contains(key) || listed.out().contains(openRouterKey), "a listing shows no secret");
        Run accounts = cli("", "accounts", "list");
        assertTrue(accounts.out().contains(accountId + "  ") && accounts.out().contains(name), accounts.out());

        Run revoked = cli("", "keys", "revoke", keyId);
        assertEquals(0, revoked.status(), revoked.err());
        within1s(401, () -> gateway.post("/v1/chat/completions", key, "{\"model\":\"openrouter-a/b\"}"));
        Run again = cli("", "keys", "revoke", keyId);
        assertEquals(1, again.status());
        assertTrue(again.err().contains("No gateway key"), again.err());

        Run trail = cli("", "audit", "list", "--account", accountId);
        assertEquals(0, trail.status(), trail.err());
        assertTrue(trail.out().contains("gateway_key.revoked\t" + keyId + " (deleted)\t-\tcli") && trail.out().contains("account.created"), trail.out());
        assertFalse(trail.out().contains(openRouterKey) || trail.out().contains(key), "the trail shows no secret");
        Run verified = cli("", "audit", "verify", "--account", accountId);
        assertEquals(0, verified.status(), verified.err());
        assertTrue(verified.out().startsWith("intact: 5 rows, head "), verified.out());

        Run deleted = cli("", "accounts", "delete", accountId);
        assertEquals(0, deleted.status(), deleted.err());
        within1s(401, () -> gateway.get("/v1/keys", management));

        for (Run run : new Run[]{account, created, listed, accounts, revoked, again, deleted}) {
            assertFalse(run.err().contains(key) || run.err().contains(management) || run.err().contains(openRouterKey), run.err());
        }
        assertFalse(created.out().contains(openRouterKey), "the provider key is never printed");
    }

    @Test
    void badInputIsRefusedWithAMessageAndNothingIsCreated() {
        String accountId = cli("", "accounts", "create", "cli-refusals").field("account_id");

        Run unknownAccount = cli("", "keys", "create", "--account", UUID.randomUUID().toString(), "--name", "x");
        Run noKeyOnStdin = cli("", "keys", "create", "--account", accountId, "--name", "x", "--openrouter-key-stdin");
        String leaked = "sk-or-v1-never-echo-" + UUID.randomUUID();
        Run keyAsArgument = cli("", "keys", "create", "--account", accountId, "--name", "x", "--openrouter-key", leaked);
        Run badName = cli("", "keys", "create", "--account", accountId, "--name", "");
        Run unknownCommand = cli("", "acounts", "list");

        assertEquals(1, unknownAccount.status());
        assertTrue(unknownAccount.err().contains("No such account"), unknownAccount.err());
        assertEquals(2, noKeyOnStdin.status());
        assertTrue(noKeyOnStdin.err().contains("standard input held no key"), noKeyOnStdin.err());
        assertEquals(2, keyAsArgument.status());
        assertTrue(keyAsArgument.err().contains("--openrouter-key-stdin"), keyAsArgument.err());
        assertFalse(keyAsArgument.err().contains(leaked) || keyAsArgument.out().contains(leaked), "the key given as an argument is not echoed");
        assertEquals(1, badName.status());
        assertTrue(badName.err().contains("'name' is required"), badName.err());
        assertEquals(2, unknownCommand.status());
        Run listed = cli("", "keys", "list", "--account", accountId);
        assertEquals(1, listed.out().lines().count(), "only the header: nothing was created\n" + listed.out());
    }

    @Test
    void helpVersionAndMigrateAnswerWithoutSurprises() {
        Run help = cli("", "--help");
        Run keysHelp = cli("", "keys", "create", "--help");
        Run version = cli("", "--version");
        Run migrate = cli("", "db", "migrate");

        assertEquals(0, help.status());
        for (String command : new String[]{"serve", "accounts", "keys", "db", "audit"}) {
            assertTrue(help.out().contains("  " + command + " "), command + " missing from\n" + help.out());
        }
        assertEquals(0, keysHelp.status());
        assertTrue(keysHelp.out().contains("--openrouter-key-stdin") && keysHelp.out().contains("--account=ID"), keysHelp.out());
        assertEquals(0, version.status());
        assertTrue(version.out().matches("Keyway \\d+\\.\\d+\\.\\d+(-SNAPSHOT)? \\(Java .*\\)\\R"), version.out());
        assertEquals(0, migrate.status(), migrate.err());
        assertTrue(migrate.out().startsWith("schema up to date: 7 migrations applied, the last V7 "), migrate.out());
    }

    @Test
    void commandsAreToldApartFromServerArguments() {
        assertFalse(KeywayCli.isCommand(new String[0]));
        assertFalse(KeywayCli.isCommand(new String[]{"serve"}));
        assertFalse(KeywayCli.isCommand(new String[]{"-micronaut.server.port=9090"}));
        assertTrue(KeywayCli.isCommand(new String[]{"serve", "--help"}));
        assertTrue(KeywayCli.isCommand(new String[]{"--version"}));
        assertTrue(KeywayCli.isCommand(new String[]{"accounts", "list"}));
    }
}
