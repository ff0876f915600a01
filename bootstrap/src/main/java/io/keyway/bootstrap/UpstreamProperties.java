package io.keyway.bootstrap;

import io.micronaut.context.annotation.EachProperty;
import io.micronaut.context.annotation.Parameter;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** One operator upstream: {@code keyway.upstreams.<name>.base-url}, {@code .api-key}, {@code .models}, timeouts. */
@EachProperty("keyway.upstreams")
public class UpstreamProperties extends UpstreamTuning {
    private final String name;
    private URI baseUrl;
    private String apiKey;
    private List<String> models = new ArrayList<>();
    private Duration modelsTtl = Duration.ofMinutes(10);

    public UpstreamProperties(@Parameter String name) {
        this.name = name;
    }

    public String getName() {
        return name;
    }

    public URI getBaseUrl() {
        return baseUrl;
    }

    public void setBaseUrl(URI baseUrl) {
        this.baseUrl = baseUrl;
    }

    public String getApiKey() {
        return apiKey;
    }

    public void setApiKey(String apiKey) {
        this.apiKey = apiKey;
    }

    public List<String> getModels() {
        return models;
    }

    public void setModels(List<String> models) {
        this.models = models;
    }

    public Duration getModelsTtl() {
        return modelsTtl;
    }

    public void setModelsTtl(Duration modelsTtl) {
        this.modelsTtl = modelsTtl;
    }

    @Override
    public String toString() {
        return "UpstreamProperties[" + name + ", " + baseUrl + "]";
    }
}
