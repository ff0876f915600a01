package io.keyway.domain.routing;

import io.keyway.domain.model.ProviderId;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class PrefixModelRouterTest {
    private final PrefixModelRouter router = new PrefixModelRouter(Set.of(ProviderId.OPENROUTER),
            Map.of("local", List.of("gpt-local", "embed-local")));

    @Test
    void aPrefixedModelGoesToThatProviderWithThePrefixStripped() {
        assertEquals(new Route.ToUserProvider(ProviderId.OPENROUTER, "meta-llama/llama-3.1-405b-instruct"),
                router.route("openrouter-meta-llama/llama-3.1-405b-instruct"));
    }

    @Test
    void anOperatorModelGoesToItsUpstream() {
        assertEquals(new Route.ToOperatorUpstream("local", "gpt-local"), router.route("gpt-local"));
    }

    @Test
    void aModelNobodyServesIsUnroutable() {
        assertEquals(new Route.Unroutable("gpt-4o"), router.route("gpt-4o"));
        assertEquals(new Route.Unroutable("openrouter-"), router.route("openrouter-"));
    }

    @Test
    void twoUpstreamsListingOneModelIsAConfigurationError() {
        Map<String, List<String>> upstreams = new LinkedHashMap<>();
        upstreams.put("a", List.of("m"));
        upstreams.put("b", List.of("m"));
        assertThrows(IllegalArgumentException.class, () -> new PrefixModelRouter(Set.of(), upstreams));
    }
}
