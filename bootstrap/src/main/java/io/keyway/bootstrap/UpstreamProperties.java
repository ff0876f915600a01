package io.keyway.bootstrap;

import io.micronaut.context.annotation.EachProperty;
import io.micronaut.context.annotation.Parameter;

import java.util.ArrayList;
import java.util.List;

/** One operator upstream: {@code keyway.upstreams.<name>.base-url}, {@code .api-key}, {@code .models}, timeouts. */
@EachProperty("keyway.upstreams")
public class UpstreamProperties extends UpstreamTuning {
    private String apiKey;
    private List<String> models = new ArrayList<>();

    public UpstreamProperties(@Parameter String name) {
        super(name);
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

    @Override
    public String toString() {
        return "UpstreamProperties[" + getName() + ", " + getBaseUrl() + "]";
    }
}
