package io.keyway.bootstrap;

import io.keyway.domain.testkit.FakeUpstream;
import io.keyway.testkit.Gateway;
import io.keyway.testkit.SecretLedger;
import io.keyway.bootstrap.support.SecretsNeverLogged;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Drives every secret-bearing path (creation, attachment, an upstream error, a wrong key, a refused key, a key in a
 * body, a wrong admin token) and searches the log for every secret the run created. {@link SecretsNeverLogged} does the
 * same search after every other test class, so this class need not run last.
 */
class SecretsNeverReachTheLogsTest {
    private static final Path LOG = SecretsNeverLogged.LOG;

    @Test
    void noSecretAppearsInAnyLogLineOfTheWholeRun() throws IOException {
        try (FakeUpstream openRouter = FakeUpstream.start(); Gateway gateway = Gateway.start(openRouter.baseUrl(), Map.of())) {
            String management = gateway.createAccount("logged");
            String key = gateway.createGatewayKey(management, "sk-or-v1-log-scan-provider-key-0042");
            gateway.send("PUT", "/v1/key/provider-keys/openrouter", key,
                    "{\"api_key\":\"" + SecretLedger.record("sk-or-v1-log-scan-replaced-0043") + "\"}");
            openRouter.answer("chat/completions", FakeUpstream.json(500, "{\"error\":{\"message\":\"boom\",\"code\":500}}"));
            gateway.post("/v1/chat/completions", key, "{\"model\":\"openrouter-a/b\"}");
            gateway.post("/v1/chat/completions", key.substring(0, key.length() - 1) + "x", "{\"model\":\"openrouter-a/b\"}");
            gateway.post("/v1/keys", management, "{\"name\":\"x\",\"provider_keys\":{\"openrouter\":\"" + SecretLedger.record("sk bad key with spaces") + "\"}}");
            gateway.post("/v1/chat/completions", key, "{\"model\":\"openrouter-a/b\",\"api_key\":\"" + key + "\"");
            gateway.post("/admin/accounts", "wrong-" + gateway.adminToken(), "{\"name\":\"x\"}");
        }

        String logged = Files.readString(LOG, StandardCharsets.UTF_8);
        assertTrue(logged.contains("gateway key") && logged.contains("chat/completions"),
                "the test log holds none of Keyway's own lines: is logback-test.xml writing to " + LOG + "?");
        List<String> leaks = SecretsNeverLogged.leaks();
        assertTrue(SecretLedger.all().size() >= 5, "too few secrets were recorded for this scan to mean anything");
        assertTrue(leaks.isEmpty(), "secrets found in the logs: " + leaks);
    }
}
