package io.keyway.application;

import io.keyway.domain.model.ProviderId;
import io.keyway.domain.model.ProviderKey;

import java.util.Set;

/** Checks a provider name and key as a caller typed them. */
final class ProviderKeyInput {
    private ProviderKeyInput() {
    }

    static Outcome<ProviderId> provider(String name, Set<ProviderId> accepted, String param) {
        ProviderId provider;
        try {
            provider = new ProviderId(name);
        } catch (IllegalArgumentException notAProviderName) {
            provider = null;
        }
        if (provider == null || !accepted.contains(provider)) {
            return Outcome.refused(new Refusal.InvalidRequest("Unknown or disabled provider '" + printable(name)
                    + "'. Keys can be attached for: " + String.join(", ", accepted.stream().map(ProviderId::value).sorted().toList()) + ".", param));
        }
        return Outcome.done(provider);
    }

    static Outcome<ProviderKey> key(String apiKey, String param) {
        if (!ProviderKey.isWellFormed(apiKey)) {
            return Outcome.refused(new Refusal.InvalidRequest(
                    "'" + param + "' must be the provider's API key: 8 to " + ProviderKey.MAX_LENGTH
                            + " printable ASCII characters without spaces.", param));
        }
        return Outcome.done(ProviderKey.of(apiKey));
    }

    private static String printable(String name) {
        if (name == null) {
            return "";
        }
        String cut = name.length() > 40 ? name.substring(0, 40) + "..." : name;
        return cut.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
