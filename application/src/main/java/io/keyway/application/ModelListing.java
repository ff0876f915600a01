package io.keyway.application;

import io.keyway.domain.completion.ModelDescriptor;

import java.util.List;

/**
 * What {@code GET /v1/models} lists: every model that could be listed, and the providers whose catalogue could not be
 * fetched this time (their models are missing, the others are all there).
 */
public record ModelListing(List<ModelDescriptor> models, List<String> unavailable) {
    public ModelListing {
        models = List.copyOf(models);
        unavailable = List.copyOf(unavailable);
    }

    ModelListing withUnavailable(String provider) {
        List<String> all = new java.util.ArrayList<>(unavailable);
        all.add(provider);
        return new ModelListing(models, all);
    }

    public boolean complete() {
        return unavailable.isEmpty();
    }
}
