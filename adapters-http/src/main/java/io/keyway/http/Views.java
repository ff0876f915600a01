package io.keyway.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.keyway.domain.completion.ModelDescriptor;
import io.keyway.domain.model.GatewayKey;
import io.micronaut.serde.annotation.Serdeable;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** What the API answers with. Only the responses that create a key carry its secret. */
final class Views {
    private Views() {
    }

    @Serdeable
    record AccountCreated(String id, String name, @JsonProperty("management_key") String managementKey,
                          @JsonProperty("created_at") long createdAt) {
    }

    @Serdeable
    record ProviderKeyView(String hint, @JsonProperty("updated_at") long updatedAt) {
    }

    @Serdeable
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record KeyView(String id, String object, String name, String key, @JsonProperty("created_at") long createdAt,
                   @JsonProperty("provider_keys") Map<String, ProviderKeyView> providerKeys) {
    }

    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    record KeyList(String object, List<KeyView> data) {
    }

    @Serdeable
    record ModelView(String id, String object, long created, @JsonProperty("owned_by") String ownedBy) {
    }

    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    record ModelList(String object, List<ModelView> data) {
    }

    static KeyView key(GatewayKey key) {
        return key(key, null);
    }

    static KeyView key(GatewayKey key, String secret) {
        Map<String, ProviderKeyView> providerKeys = new TreeMap<>();
        key.providerKeys().forEach((provider, sealed) ->
                providerKeys.put(provider.value(), new ProviderKeyView(sealed.hint(), sealed.updatedAt().getEpochSecond())));
        return new KeyView(key.id().value(), "gateway_key", key.name(), secret, key.createdAt().getEpochSecond(), providerKeys);
    }

    static KeyList keys(List<GatewayKey> keys) {
        return new KeyList("list", keys.stream().map(Views::key).toList());
    }

    static ModelList models(List<ModelDescriptor> models) {
        return new ModelList("list", models.stream().map(Views::model).toList());
    }

    static ModelView model(ModelDescriptor model) {
        return new ModelView(model.id(), "model", model.created(), model.ownedBy());
    }
}
