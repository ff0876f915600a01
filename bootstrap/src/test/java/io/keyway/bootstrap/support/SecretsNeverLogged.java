package io.keyway.bootstrap.support;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import io.keyway.testkit.SecretLedger;

/**
 * After every test class of this module (registered for all of them through JUnit's extension autodetection), searches
 * everything logged so far for every secret in the {@link SecretLedger}, in raw, hex and base64 forms. No test has to
 * run last: a leak fails the class whose run logged it, or the first one to end after it.
 */
public final class SecretsNeverLogged implements AfterAllCallback {
    public static final Path LOG = Path.of(System.getProperty("keyway.test.log", "target/test-logs/keyway-test.log"));

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        List<String> leaks = leaks();
        if (!leaks.isEmpty()) {
            throw new AssertionError("secrets found in the test log " + LOG + " after " + context.getDisplayName() + ": " + leaks);
        }
    }

    /** A short description of each ledger secret found in the log, in any of its forms. */
    public static List<String> leaks() throws IOException {
        if (!Files.exists(LOG)) {
            return List.of();
        }
        String logged = Files.readString(LOG, StandardCharsets.UTF_8);
        List<String> leaks = new ArrayList<>();
        for (String secret : SecretLedger.all()) {
            for (String form : SecretLedger.encodingsOf(secret)) {
                if (logged.contains(form)) {
                    leaks.add(secret.substring(0, Math.min(6, secret.length())) + "… (" + form.length() + " chars)");
                }
            }
        }
        return leaks;
    }
}
