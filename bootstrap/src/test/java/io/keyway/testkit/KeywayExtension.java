package io.keyway.testkit;

import io.keyway.domain.testkit.FakeUpstream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Keyway for a test: the real gateway in-process on a random loopback port, on the test database, with a scriptable
 * fake OpenRouter (and any fake operator upstreams asked for), an account, its management key and a gateway key that
 * carries an OpenRouter key. Register it in a static field to share one gateway across a class, or in an instance
 * field for one per test:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final KeywayExtension keyway = KeywayExtension.builder().operatorUpstream("local", "local-chat").build();
 *
 * @Test
 * void chat() {
 *     keyway.openRouter().answer("chat/completions", FakeUpstream.json(200, "{...}"));
 *     keyway.gateway().post("/v1/chat/completions", keyway.gatewayKey(), "{\"model\":\"openrouter-a/b\"}");
 * }
 * }</pre>
 *
 * Before each test the fake upstreams forget what they were told and what they received. See docs/testing.md.
 */
public final class KeywayExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {
    private final Map<String, Object> properties;
    private final Map<String, List<String>> operatorModels;
    private final Clock clock;

    private FakeUpstream openRouter;
    private final Map<String, FakeUpstream> operators = new LinkedHashMap<>();
    private Gateway gateway;
    private String managementKey;
    private String gatewayKey;
    private String openRouterKey;
    private boolean perTest;

    private KeywayExtension(Map<String, Object> properties, Map<String, List<String>> operatorModels, Clock clock) {
        this.clock = clock;
        this.properties = Map.copyOf(properties);
        this.operatorModels = Map.copyOf(operatorModels);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Keyway with the default configuration and a fake OpenRouter only. */
    public static KeywayExtension standard() {
        return builder().build();
    }

    public static final class Builder {
        private final Map<String, Object> properties = new LinkedHashMap<>();
        private final Map<String, List<String>> operatorModels = new LinkedHashMap<>();
        private Clock clock;

        /** Any Keyway or Micronaut property, e.g. {@code keyway.openrouter.first-byte-timeout}. */
        public Builder property(String name, Object value) {
            properties.put(name, value);
            return this;
        }

        /** An operator upstream named {@code name} serving {@code models}, answered by a fake of its own. */
        public Builder operatorUpstream(String name, String... models) {
            operatorModels.put(name, List.of(models));
            return this;
        }

        /** A clock of the test's own, read by everything in the gateway that reads the time. */
        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        public KeywayExtension build() {
            return new KeywayExtension(properties, operatorModels, clock);
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        start();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (gateway == null) {
            perTest = true;
            start();
        }
        openRouter.reset();
        operators.values().forEach(FakeUpstream::reset);
        // Each test starts with deployments the router knows nothing of: one test's 429 does not cool the next test's.
        gateway.context().findBean(io.keyway.domain.routing.DeploymentHealth.class).ifPresent(io.keyway.domain.routing.DeploymentHealth::forget);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (perTest) {
            stop();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        stop();
    }

    private void start() {
        openRouter = FakeUpstream.start();
        Map<String, Object> all = new LinkedHashMap<>();
        operatorModels.forEach((name, models) -> {
            FakeUpstream fake = FakeUpstream.start();
            operators.put(name, fake);
            all.put("keyway.upstreams." + name + ".base-url", fake.baseUrl());
            all.put("keyway.upstreams." + name + ".models", models);
        });
        all.putAll(properties);
        gateway = Gateway.start(openRouter.baseUrl(), all, clock);
        managementKey = gateway.createAccount("harness");
        openRouterKey = SecretLedger.record("sk-or-v1-harness-" + UUID.randomUUID());
        gatewayKey = gateway.createGatewayKey(managementKey, openRouterKey);
    }

    private void stop() {
        if (gateway != null) {
            gateway.close();
            gateway = null;
        }
        if (openRouter != null) {
            openRouter.close();
        }
        operators.values().forEach(FakeUpstream::close);
        operators.clear();
    }

    /** The running gateway, with an HTTP client and helpers to create accounts and keys. */
    public Gateway gateway() {
        return running(gateway);
    }

    /** The base URL an OpenAI SDK takes: {@code http://127.0.0.1:<port>/v1}. */
    public String openAiBaseUrl() {
        return gateway().baseUrl() + "/v1";
    }

    /** The fake OpenRouter: script its answers with {@link FakeUpstream#answer}, read what it received. */
    public FakeUpstream openRouter() {
        return running(openRouter);
    }

    /** The fake behind the operator upstream {@code name}. */
    public FakeUpstream upstream(String name) {
        FakeUpstream fake = operators.get(name);
        if (fake == null) {
            throw new IllegalArgumentException("no operator upstream '" + name + "' was asked for; known: " + operators.keySet());
        }
        return fake;
    }

    /** The management key ({@code kwm-…}) of the harness's account. */
    public String managementKey() {
        return running(managementKey);
    }

    /** A gateway key ({@code kw-…}) of the harness's account, carrying {@link #openRouterKey()}. */
    public String gatewayKey() {
        return running(gatewayKey);
    }

    /** The OpenRouter key sealed under {@link #gatewayKey()}: the fake OpenRouter receives it as the bearer token. */
    public String openRouterKey() {
        return running(openRouterKey);
    }

    private static <T> T running(T value) {
        if (value == null) {
            throw new IllegalStateException("Keyway is not running: register KeywayExtension with @RegisterExtension");
        }
        return value;
    }
}
