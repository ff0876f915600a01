package io.keyway.bootstrap;

import io.keyway.application.Authenticator;
import io.keyway.application.CreateAccount;
import io.keyway.application.IssueGatewayKey;
import io.keyway.application.ListModels;
import io.keyway.application.ManageProviderKeys;
import io.keyway.application.RevokeGatewayKey;
import io.keyway.application.RouteCompletion;
import io.keyway.application.Upstreams;
import io.keyway.application.ViewGatewayKeys;
import io.keyway.domain.keys.KeyMint;
import io.keyway.domain.keys.ProviderKeySeal;
import io.keyway.domain.model.ProviderId;
import io.keyway.domain.port.CompletionProvider;
import io.keyway.domain.port.KeyVault;
import io.keyway.domain.port.ModelRouter;
import io.keyway.domain.routing.PrefixModelRouter;
import io.keyway.openrouter.UpstreamClients;
import io.keyway.openrouter.UpstreamSettings;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Builds the core with plain {@code new}: the domain and the use cases carry no framework annotation. */
@Factory
class CoreFactory {
    @Singleton
    Clock clock() {
        return Clock.systemUTC();
    }

    @Singleton
    KeyMint keyMint() {
        return new KeyMint(new SecureRandom());
    }

    @Singleton
    ProviderKeySeal providerKeySeal() {
        return new ProviderKeySeal(new SecureRandom());
    }

    @Singleton
    ModelRouter modelRouter(List<UpstreamProperties> upstreams) {
        Map<String, List<String>> models = new LinkedHashMap<>();
        upstreams.forEach(upstream -> models.put(upstream.getName(), List.copyOf(upstream.getModels())));
        return new PrefixModelRouter(Set.of(ProviderId.OPENROUTER), models);
    }

    @Singleton
    Upstreams upstreams(UpstreamClients clients, OpenRouterProperties openRouter, List<UpstreamProperties> operatorUpstreams) {
        List<CompletionProvider> providers = new ArrayList<>();
        providers.add(clients.connect(new UpstreamSettings(ProviderId.OPENROUTER.value(), openRouter.getBaseUrl(),
                Optional.empty(), openRouter.timeouts(), openRouter.retryPolicy(), openRouter.getModelsTtl())));
        for (UpstreamProperties upstream : operatorUpstreams) {
            if (upstream.getBaseUrl() == null) {
                throw new IllegalStateException("keyway.upstreams." + upstream.getName() + ".base-url is not set");
            }
            providers.add(clients.connect(new UpstreamSettings(upstream.getName(), upstream.getBaseUrl(),
                    Optional.ofNullable(upstream.getApiKey()).filter(key -> !key.isBlank()),
                    upstream.timeouts(), upstream.retryPolicy(), openRouter.getModelsTtl())));
        }
        return new Upstreams(providers);
    }

    @Singleton
    Authenticator authenticator(KeyVault vault) {
        return new Authenticator(vault);
    }

    @Singleton
    CreateAccount createAccount(KeyVault vault, KeyMint mint, Clock clock) {
        return new CreateAccount(vault, mint, clock);
    }

    @Singleton
    IssueGatewayKey issueGatewayKey(Authenticator authenticator, KeyVault vault, ModelRouter router, KeyMint mint,
                                    ProviderKeySeal seal, Clock clock) {
        return new IssueGatewayKey(authenticator, vault, router, mint, seal, clock);
    }

    @Singleton
    ViewGatewayKeys viewGatewayKeys(Authenticator authenticator, KeyVault vault) {
        return new ViewGatewayKeys(authenticator, vault);
    }

    @Singleton
    RevokeGatewayKey revokeGatewayKey(Authenticator authenticator, KeyVault vault) {
        return new RevokeGatewayKey(authenticator, vault);
    }

    @Singleton
    ManageProviderKeys manageProviderKeys(Authenticator authenticator, KeyVault vault, ModelRouter router,
                                          ProviderKeySeal seal, Clock clock) {
        return new ManageProviderKeys(authenticator, vault, router, seal, clock);
    }

    @Singleton
    RouteCompletion routeCompletion(Authenticator authenticator, ModelRouter router, Upstreams upstreams, ProviderKeySeal seal) {
        return new RouteCompletion(authenticator, router, upstreams, seal);
    }

    @Singleton
    ListModels listModels(Authenticator authenticator, ModelRouter router, Upstreams upstreams, Clock clock) {
        return new ListModels(authenticator, router, upstreams, clock.instant());
    }
}
