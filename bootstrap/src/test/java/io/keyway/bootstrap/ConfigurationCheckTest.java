package io.keyway.bootstrap;

import io.keyway.testkit.Gateway;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Mistyped settings stop the start with one line per problem, naming the property, never echoing a key. */
class ConfigurationCheckTest {
    private static final String SECRET = "sk-operator-secret-never-echoed-0001";

    private static Throwable startWith(Map<String, Object> settings) {
        Map<String, Object> all = new HashMap<>(settings);
        all.put("keyway.admin-token", "a".repeat(40));
        RuntimeException failed = assertThrows(RuntimeException.class, () -> Gateway.startWith(all, null).close());
        Throwable cause = failed;
        while (!(cause instanceof ConfigurationCheck.ConfigurationProblems) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    @Test
    void everyProblemIsNamedInOneLine() {
        Throwable failed = startWith(Map.of(
                "keyway.upstreams.local.base-url", "http://127.0.0.1:9",
                "keyway.upstreams.local.connect-timeout", "fast",
                "keyway.upstreams.local.timout", "5s",
                "keyway.upstreams.local.apikey", SECRET,
                "keyway.upstreams.orphan.models", List.of("m"),
                "keyway.openrouter.models-ttl", "ten minutes",
                "keyway.key-cache.maximum-size", "0",
                "keyway.adminn-token", SECRET));

        List<String> problems = ((ConfigurationCheck.ConfigurationProblems) failed).problems;
        assertEquals(List.of(
                "keyway.adminn-token is not a Keyway setting",
                "keyway.key-cache.maximum-size = '0' is not a whole number of 1 or more",
                "keyway.openrouter.models-ttl = 'ten minutes' is not a duration (write 500ms, 10s, 2m or ISO-8601 PT10S)",
                "keyway.upstreams.local.apikey is not an upstream setting (known: api-key, base-url, connect-timeout, first-byte-timeout, "
                        + "idle-timeout, models, models-ttl, retries, retry-backoff, retry-max-backoff, total-timeout)",
                "keyway.upstreams.local.connect-timeout = 'fast' is not a duration (write 500ms, 10s, 2m or ISO-8601 PT10S)",
                "keyway.upstreams.local.timout is not an upstream setting (known: api-key, base-url, connect-timeout, first-byte-timeout, "
                        + "idle-timeout, models, models-ttl, retries, retry-backoff, retry-max-backoff, total-timeout)",
                "keyway.upstreams.orphan.base-url is missing: every upstream needs the URL its requests go to"), problems);
        assertFalse(failed.getMessage().contains(SECRET), "a value under a mistyped name may be a key: never echoed");
    }

    @Test
    void goodSettingsPassWhateverTheirSpelling() {
        assertEquals(List.of(), ConfigurationCheck.problems(io.micronaut.context.ApplicationContext.builder().properties(Map.of(
                "keyway.upstreams.local.base-url", "https://llm.internal.example",
                "keyway.upstreams.local.models", List.of("a", "b"),
                "keyway.upstreams.local.first-byte-timeout", "PT30S",
                "keyway.upstreams.local.retries", 0,
                "keyway.openrouter.models-ttl", "0s",
                "keyway.key-cache.enabled", "false",
                "keyway.auth-failures.per-minute", 5,
                "keyway.server.transport", "epoll, nio",
                "keyway.server.consolidate-flushes", "false",
                "keyway.max-request-size", "1MB")).build().getEnvironment().start()));
    }

    /** The server's settings: transports by their names, consolidation on or off; anything else is named. */
    @Test
    void serverSettingsAreChecked() {
        assertEquals(List.of(
                "keyway.server.consolidate-flushes = 'yes' is neither true nor false",
                "keyway.server.transport = 'io-uring,nio' is not a list of transports to try in order (known: epoll, io_uring, kqueue, nio)",
                "keyway.server.transprt is not a setting of keyway.server (known: consolidate-flushes, transport)"),
                ConfigurationCheck.problems(io.micronaut.context.ApplicationContext.builder().properties(Map.of(
                        "keyway.server.transport", "io-uring,nio",
                        "keyway.server.transprt", "nio",
                        "keyway.server.consolidate-flushes", "yes")).build().getEnvironment().start()));
        assertEquals(List.of(), ConfigurationCheck.problems(io.micronaut.context.ApplicationContext.builder().properties(Map.of(
                "keyway.server.transport", List.of("io_uring", "nio"))).build().getEnvironment().start()));
    }

    /**
     * A known transport this machine lacks (kqueue is BSD's and macOS's) is refused with the ones it has, by the check
     * the start makes before anything starts; Micronaut would only fail once the database is up, in a stack trace.
     */
    @Test
    void aTransportThisMachineLacksIsRefusedNamingTheOnesItHas() {
        List<String> problems = ConfigurationCheck.problems(io.micronaut.context.ApplicationContext.builder().properties(Map.of(
                "keyway.server.transport", "kqueue")).build().getEnvironment().start());
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith("keyway.server.transport = 'kqueue' names no transport this machine offers (here: "),
                problems.get(0));
        assertTrue(problems.get(0).endsWith("nio)"), problems.get(0));
        assertFalse(problems.get(0).contains("kqueue,") || problems.get(0).contains(" kqueue)"), problems.get(0));
        // One that is there, after it, is enough: the first available one is used.
        assertEquals(List.of(), ConfigurationCheck.problems(io.micronaut.context.ApplicationContext.builder().properties(Map.of(
                "keyway.server.transport", "kqueue,nio")).build().getEnvironment().start()));
        ConfigurationCheck.ConfigurationProblems refused = assertThrows(ConfigurationCheck.ConfigurationProblems.class,
                () -> Keyway.checkConfiguration(new String[0], Map.of("keyway.server.transport", "kqueue"), false));
        assertTrue(refused.getMessage().contains("names no transport this machine offers"), refused.getMessage());
    }

    /**
     * A short admin token and a plain-http remote upstream are said like every other problem, before anything starts:
     * no embedded PostgreSQL, no migration, no stack trace (Keyway.start checks before it prepares the database).
     */
    @Test
    void aShortAdminTokenAndAPlainHttpRemoteUpstreamAreRefusedBeforeAnythingStarts() {
        ConfigurationCheck.ConfigurationProblems refused = assertThrows(ConfigurationCheck.ConfigurationProblems.class,
                () -> Keyway.checkConfiguration(new String[0], Map.of("keyway.admin-token", "too-short-" + SECRET.substring(0, 5),
                        "keyway.upstreams.lab.base-url", "http://10.1.2.3:8000/v1", "keyway.upstreams.lab.models", List.of("m"),
                        "keyway.data-dir", "/nonexistent/never-created"), false));

        assertEquals(2, refused.problems.size(), refused.problems.toString());
        assertEquals("KEYWAY_ADMIN_TOKEN (keyway.admin-token) is 15 characters long; it must be at least 32. Make one with: "
                + "openssl rand -base64 32", refused.problems.get(0));
        assertTrue(refused.problems.get(1).startsWith("keyway.upstreams.lab.base-url is http://10.1.2.3: upstreams must use https"),
                refused.problems.get(1));
        assertFalse(refused.getMessage().contains("too-short"), "the token is never repeated");
        assertFalse(java.nio.file.Files.exists(java.nio.file.Path.of("/nonexistent/never-created")));
    }
}
