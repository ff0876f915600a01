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

    /** This listing followed by {@code more}: its models after these, its unavailable providers after these. */
    ModelListing plus(ModelListing more) {
        List<ModelDescriptor> allModels = new java.util.ArrayList<>(models);
        allModels.addAll(more.models);
        List<String> allUnavailable = new java.util.ArrayList<>(unavailable);
        allUnavailable.addAll(more.unavailable);
        return new ModelListing(allModels, allUnavailable);
    }

    static ModelListing unavailable(String provider) {
        return new ModelListing(List.of(), List.of(provider));
    }

    public boolean complete() {
        return unavailable.isEmpty();
    }
}
