package io.keyway.bootstrap;

import io.micronaut.context.annotation.EachProperty;
import io.micronaut.context.annotation.Parameter;
import io.micronaut.context.env.Environment;

import java.net.URI;
import java.time.Duration;

/**
 * One third-party provider users bring their own key for: {@code keyway.providers.<id>.base-url}, {@code .wire}
 * ({@code openai} or {@code anthropic}: which adapter speaks to it), {@code .enabled}, {@code .check-keys},
 * {@code .title}, {@code .models-ttl}, {@code .max-tokens} (Anthropic's required default), and the timeouts and retries
 * of every upstream. Requests for {@code <id>-<model>} go there with the caller's own key.
 */
@EachProperty("keyway.providers")
public class ProviderProperties extends UpstreamTuning {
    static final String OPENAI_WIRE = "openai";
    static final String ANTHROPIC_WIRE = "anthropic";

    private String wire = OPENAI_WIRE;
    private boolean enabled = true;
    private boolean checkKeys = true;
    private String title;
    private int maxTokens = 4096;

    public ProviderProperties(@Parameter String name) {
        super(name);
    }

    /**
     * {@code keyway.openrouter.*} (and {@code KEYWAY_OPENROUTER_BASE_URL}), the settings of the time OpenRouter was the
     * only provider, still apply to the {@code openrouter} entry and win over it.
     */
    void applyLegacyOpenRouterSettings(Environment environment) {
        String at = "keyway.openrouter.";
        environment.getProperty(at + "base-url", URI.class).ifPresent(this::setBaseUrl);
        environment.getProperty(at + "models-ttl", Duration.class).ifPresent(this::setModelsTtl);
        environment.getProperty(at + "connect-timeout", Duration.class).ifPresent(this::setConnectTimeout);
        environment.getProperty(at + "first-byte-timeout", Duration.class).ifPresent(this::setFirstByteTimeout);
        environment.getProperty(at + "idle-timeout", Duration.class).ifPresent(this::setIdleTimeout);
        environment.getProperty(at + "total-timeout", Duration.class).ifPresent(this::setTotalTimeout);
        environment.getProperty(at + "retries", Integer.class).ifPresent(this::setRetries);
        environment.getProperty(at + "retry-backoff", Duration.class).ifPresent(this::setRetryBackoff);
        environment.getProperty(at + "retry-max-backoff", Duration.class).ifPresent(this::setRetryMaxBackoff);
    }

    public String getWire() {
        return wire;
    }

    public void setWire(String wire) {
        this.wire = wire;
    }

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public boolean isCheckKeys() {
        return checkKeys;
    }

    public void setCheckKeys(boolean checkKeys) {
        this.checkKeys = checkKeys;
    }

    public String getTitle() {
        return title == null || title.isBlank() ? getName() : title;
    }

    public void setTitle(String title) {
        this.title = title;
    }

    public int getMaxTokens() {
        return maxTokens;
    }

    public void setMaxTokens(int maxTokens) {
        this.maxTokens = maxTokens;
    }

    @Override
    public String toString() {
        return "ProviderProperties[" + getName() + ", " + wire + ", " + getBaseUrl() + (enabled ? "" : ", disabled") + "]";
    }
}
