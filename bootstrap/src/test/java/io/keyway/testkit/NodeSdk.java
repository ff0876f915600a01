package io.keyway.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The unmodified OpenAI Node SDK ({@code openai}, pinned in {@code src/test/node/package-lock.json}), installed with
 * {@code npm ci} into {@code target/node-sdk} once per build directory, running one scenario of
 * {@code src/test/node/roundtrip.mjs}. Needs Node.js and the npm registry; without them the test fails, never skips.
 */
public final class NodeSdk {
    private static Path installed;

    private NodeSdk() {
    }

    /** Runs {@code scenario} with the SDK pointed at {@code baseUrl} with {@code key} and {@code model}; returns what it printed. */
    public static String run(String scenario, String baseUrl, String key, String model) throws Exception {
        ProcessBuilder node = new ProcessBuilder("node", "roundtrip.mjs", scenario).directory(install().toFile());
        node.environment().put("KEYWAY_BASE_URL", baseUrl);
        node.environment().put("KEYWAY_KEY", key);
        node.environment().put("MODEL", model);
        Process process = node.start();
        byte[] out = process.getInputStream().readAllBytes();
        byte[] err = process.getErrorStream().readAllBytes();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail("the SDK scenario " + scenario + " did not finish in 60 s");
        }
        String printed = new String(out, StandardCharsets.UTF_8).trim();
        assertEquals(0, process.exitValue(), "node failed: " + printed + new String(err, StandardCharsets.UTF_8));
        return printed;
    }

    /** axe-core's browser build, installed from the same lock file (the console's tests run it in the page). */
    static final String AXE = "node_modules/axe-core/axe.min.js";

    /** The text of axe-core's browser build. */
    public static String axe() throws Exception {
        return Files.readString(install().resolve(AXE));
    }

    private static synchronized Path install() throws Exception {
        if (installed != null) {
            return installed;
        }
        Path source = Path.of("src/test/node");
        Path into = Path.of("target/node-sdk");
        Files.createDirectories(into);
        for (String file : List.of("package.json", "package-lock.json", "roundtrip.mjs")) {
            Files.copy(source.resolve(file), into.resolve(file), StandardCopyOption.REPLACE_EXISTING);
        }
        if (!Files.exists(into.resolve("node_modules/openai/package.json")) || !Files.exists(into.resolve(AXE))) {
            Process npm;
            try {
                npm = new ProcessBuilder("npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund")
                        .directory(into.toFile()).redirectErrorStream(true).start();
            } catch (IOException e) {
                throw new AssertionError("npm is needed to install the OpenAI Node SDK for this test (see README)", e);
            }
            String said = new String(npm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!npm.waitFor(300, TimeUnit.SECONDS) || npm.exitValue() != 0) {
                throw new AssertionError("npm ci failed: " + said);
            }
        }
        installed = into;
        return into;
    }
}
