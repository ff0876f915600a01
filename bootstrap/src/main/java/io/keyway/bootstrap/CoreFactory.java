package io.keyway.bootstrap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.net.URI;

import io.keyway.application.Accounts;
import io.keyway.application.Authenticator;
import io.keyway.application.ManagementKeys;
import io.keyway.application.RotateGatewayKey;
import io.keyway.application.CreateAccount;
import io.keyway.application.IssueGatewayKey;
import io.keyway.application.ListModels;
import io.keyway.application.ManageProviderKeys;
import io.keyway.application.RevokeGatewayKey;
import io.keyway.application.RecordUsage;
import io.keyway.application.RouteCompletion;
import io.keyway.application.SetKeyLimits;
import io.keyway.application.ViewUsage;
import io.keyway.domain.port.UsageLedger;
import io.keyway.domain.port.LimitCounters;
import io.keyway.application.Upstreams;
import io.keyway.application.ViewGatewayKeys;
import io.keyway.domain.keys.KeyMint;
import io.keyway.domain.keys.ProviderKeySeal;
import io.keyway.domain.model.ProviderId;
import io.keyway.domain.port.CompletionProvider;
import io.keyway.domain.port.KeyVault;
import io.keyway.domain.port.ModelRouter;
import io.keyway.domain.routing.PrefixModelRouter;
import io.keyway.domain.routing.Balancer;
import io.keyway.domain.routing.DeploymentHealth;
import io.keyway.application.RoutingPolicy;
import java.util.Set;
import io.keyway.anthropic.AnthropicProvider;
import io.keyway.application.EnabledProviders;
import io.keyway.domain.completion.Endpoint;
import io.keyway.openai.OpenAiUpstreams;
import io.micronaut.context.env.Environment;
import io.micronaut.json.JsonMapper;
import java.util.Comparator;
import io.keyway.openai.UpstreamSettings;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Secondary;
import jakarta.inject.Singleton;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Builds the core with plain {@code new}: the domain and the use cases carry no framework annotation. */
@Factory
class CoreFactory {
    private static final Logger LOG = LoggerFactory.getLogger(CoreFactory.class);

    /** The system's clock, unless whoever starts Keyway registers one of its own (a test harness moving time by hand). */
    @Singleton
    @Secondary
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

    /**
     * The enabled {@code keyway.providers.*} entries, OpenRouter first, the rest in name order; the {@code openrouter}
     * entry takes the settings of {@code keyway.openrouter.*} too.
     */
    @Singleton
    ProviderEntries providerEntries(ConfigurationCheck.Checked checked, List<ProviderProperties> providers, Environment environment) {
        List<ProviderProperties> enabled = new ArrayList<>();
        for (ProviderProperties provider : providers) {
            if (provider.getName().equals(ProviderId.OPENROUTER.value())) {
                provider.applyLegacyOpenRouterSettings(environment);
            }
            if (provider.isEnabled()) {
                enabled.add(provider);
            }
        }
        enabled.sort(Comparator.comparing((ProviderProperties provider) -> !provider.getName().equals(ProviderId.OPENROUTER.value()))
                .thenComparing(ProviderProperties::getName));
        return new ProviderEntries(List.copyOf(enabled));
    }

    /** The enabled providers' entries, in the order they are offered. */
    record ProviderEntries(List<ProviderProperties> all) {
    }

    @Singleton
    EnabledProviders enabledProviders(ProviderEntries entries) {
        return new EnabledProviders(entries.all().stream()
                .map(provider -> new EnabledProviders.Provider(new ProviderId(provider.getName()), provider.getTitle()))
                .toList());
    }

    /** What this instance learns of each deployment from its own traffic (cooldowns, budget, latency). */
    @Singleton
    DeploymentHealth deploymentHealth(Clock clock) {
        return new DeploymentHealth(clock);
    }

    /** The model groups of {@code keyway.models}, read once for the router and the health checks. */
    @Singleton
    ModelGroupSettings.Read modelGroups(ConfigurationCheck.Checked checked, EnabledProviders providers, List<UpstreamProperties> upstreams,
                                        Environment environment) {
        Set<String> upstreamNames = new java.util.TreeSet<>();
        upstreams.forEach(upstream -> upstreamNames.add(upstream.getName()));
        Set<String> providerIds = new java.util.TreeSet<>();
        providers.ids().forEach(id -> providerIds.add(id.value()));
        return ModelGroupSettings.read(environment, upstreamNames, providerIds);
    }

    @Singleton
    ModelRouter modelRouter(EnabledProviders providers, List<UpstreamProperties> upstreams, ModelGroupSettings.Read groups,
                            DeploymentHealth health) {
        Map<String, List<String>> models = new LinkedHashMap<>();
        upstreams.forEach(upstream -> models.put(upstream.getName(), List.copyOf(upstream.getModels())));
        return new PrefixModelRouter(providers.ids(), models, groups.groups(), health, new Balancer(Balancer.perThread()));
    }

    /**
     * The router is the one retry layer: at most {@code keyway.routing.max-attempts} attempts per request, the same
     * deployment again at most its upstream's {@code retries} times (the transports themselves do not retry).
     */
    @Singleton
    RoutingPolicy routingPolicy(ProviderEntries providers, List<UpstreamProperties> upstreams, Environment environment) {
        Map<String, Integer> retries = new LinkedHashMap<>();
        providers.all().forEach(provider -> retries.put(provider.getName(), provider.getRetries()));
        upstreams.forEach(upstream -> retries.put(upstream.getName(), upstream.getRetries()));
        UpstreamTuning first = providers.all().isEmpty() ? null : providers.all().get(0);
        return new RoutingPolicy(environment.getProperty("keyway.routing.max-attempts", Integer.class).orElse(3), retries,
                first == null ? RoutingPolicy.DEFAULT.backoff() : first.retryPolicy().backoff(),
                first == null ? RoutingPolicy.DEFAULT.maxBackoff() : first.retryPolicy().maxBackoff());
    }

    /** Keyway's settings checked before any bean reads them, for every way of starting (the jar, a test harness). */
    @Context
    ConfigurationCheck.Checked configurationChecked(io.micronaut.context.env.Environment environment) {
        ConfigurationCheck.require(environment);
        return new ConfigurationCheck.Checked();
    }

    /**
     * The adapter for a provider entry speaking {@code wire}: OpenAI's transport as it is for the {@code openai} wire;
     * for the {@code anthropic} wire, the transport set up for Anthropic's HTTP conventions ({@code x-api-key},
     * {@code anthropic-version}, the {@code messages} path) inside {@link AnthropicProvider}'s translation.
     */
    static CompletionProvider providerAdapter(OpenAiUpstreams clients, JsonMapper json, String wire, UpstreamSettings settings,
                                              boolean checkKeys, int maxTokens) {
        boolean anthropic = wire.equals(ProviderProperties.ANTHROPIC_WIRE);
        UpstreamSettings.Access access = anthropic
                ? new UpstreamSettings.Access(AnthropicProvider.CREDENTIAL_HEADER, "", AnthropicProvider.FIXED_HEADERS,
                        Map.of(Endpoint.CHAT_COMPLETIONS, AnthropicProvider.MESSAGES_PATH), "models?limit=1000", checkKeys)
                : UpstreamSettings.Access.OPENAI.withCheckKeys(checkKeys);
        CompletionProvider transport = clients.connect(new UpstreamSettings(settings.name(), settings.baseUrl(),
                settings.operatorApiKey(), settings.timeouts(), settings.retries(), settings.modelsTtl(), access));
        return anthropic ? new AnthropicProvider(transport, json, maxTokens) : transport;
    }

    /** The transport's own retries are off: the router retries (see {@link #routingPolicy}), so attempts never multiply. */
    private static UpstreamSettings.Retries noRetries(UpstreamTuning tuning) {
        UpstreamSettings.Retries configured = tuning.retryPolicy();
        return new UpstreamSettings.Retries(0, configured.backoff(), configured.maxBackoff());
    }

    /** Made at start ({@code @Context}), so that an unsafe upstream address stops the start rather than the first request. */
    @Context
    Upstreams upstreams(ConfigurationCheck.Checked checked, OpenAiUpstreams clients, JsonMapper json, ProviderEntries providers,
                        List<UpstreamProperties> operatorUpstreams) {
        List<CompletionProvider> all = new ArrayList<>();
        for (ProviderProperties provider : providers.all()) {
            URI url = provider.safeBaseUrl("keyway.providers");
            CompletionProvider adapter = providerAdapter(clients, json, provider.getWire(), new UpstreamSettings(provider.getName(), url,
                    Optional.empty(), provider.timeouts(), noRetries(provider), provider.getModelsTtl()), provider.isCheckKeys(),
                    provider.getMaxTokens());
            all.add(adapter);
            LOG.info("provider {}: {}://{}{} ({} wire, each user's own key; models with the prefix {})", provider.getName(),
                    url.getScheme(), adapter.host(), pathOf(url), provider.getWire(), provider.getName() + "-");
        }
        for (UpstreamProperties upstream : operatorUpstreams) {
            URI url = upstream.safeBaseUrl("keyway.upstreams");
            boolean operatorKey = upstream.getApiKey() != null && !upstream.getApiKey().isBlank();
            CompletionProvider provider = clients.connect(new UpstreamSettings(upstream.getName(), url,
                    Optional.ofNullable(upstream.getApiKey()).filter(key -> !key.isBlank()),
                    upstream.timeouts(), noRetries(upstream), upstream.getModelsTtl()));
            all.add(provider);
            LOG.info("upstream {}: {}://{}{}, {} model(s), {}", upstream.getName(), url.getScheme(), provider.host(), pathOf(url), upstream.getModels().size(),
                    operatorKey ? "with the operator's key" : "without a key");
        }
        return new Upstreams(all);
    }

    /** The base URL's path as configured (never its query, which could carry a credential). */
    private static String pathOf(URI url) {
        String path = url.getRawPath();
        return path == null ? "" : path;
    }

    @Singleton
    Authenticator authenticator(KeyVault vault, Clock clock, io.keyway.domain.audit.SecurityEvents events) {
        return new Authenticator(vault, clock, events);
    }

    @Singleton
    RotateGatewayKey rotateGatewayKey(Authenticator authenticator, KeyVault vault, KeyMint mint, ProviderKeySeal seal, Clock clock) {
        return new RotateGatewayKey(authenticator, vault, mint, seal, clock);
    }

    @Singleton
    ManagementKeys managementKeys(Authenticator authenticator, KeyVault vault, KeyMint mint, Clock clock) {
        return new ManagementKeys(authenticator, vault, mint, clock);
    }

    @Singleton
    Accounts accounts(KeyVault vault) {
        return new Accounts(vault);
    }

    @Singleton
    CreateAccount createAccount(KeyVault vault, KeyMint mint, Clock clock) {
        return new CreateAccount(vault, mint, clock);
    }

    @Singleton
    IssueGatewayKey issueGatewayKey(Authenticator authenticator, KeyVault vault, ModelRouter router, Upstreams upstreams, KeyMint mint,
                                    ProviderKeySeal seal, Clock clock) {
        return new IssueGatewayKey(authenticator, vault, router, upstreams, mint, seal, clock);
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
    ManageProviderKeys manageProviderKeys(Authenticator authenticator, KeyVault vault, ModelRouter router, Upstreams upstreams,
                                          ProviderKeySeal seal, Clock clock) {
        return new ManageProviderKeys(authenticator, vault, router, upstreams, seal, clock);
    }

    @Singleton
    RouteCompletion routeCompletion(Authenticator authenticator, ModelRouter router, Upstreams upstreams, ProviderKeySeal seal,
                                    LimitCounters counters, Clock clock, RoutingPolicy policy) {
        return new RouteCompletion(authenticator, router, upstreams, seal, counters, clock, policy);
    }

    @Singleton
    ListModels listModels(Authenticator authenticator, ModelRouter router, Upstreams upstreams, ProviderKeySeal seal, Clock clock) {
        return new ListModels(authenticator, router, upstreams, seal, clock.instant());
    }

    @Singleton
    RecordUsage recordUsage(UsageLedger ledger, LimitCounters counters) {
        return new RecordUsage(ledger, counters);
    }

    @Singleton
    ViewUsage viewUsage(Authenticator authenticator, KeyVault vault, UsageLedger ledger, Clock clock) {
        return new ViewUsage(authenticator, vault, ledger, clock);
    }

    @Singleton
    io.keyway.application.ViewAudit viewAudit(Authenticator authenticator, io.keyway.domain.audit.AuditLog log) {
        return new io.keyway.application.ViewAudit(authenticator, log);
    }

    @Singleton
    SetKeyLimits setKeyLimits(Authenticator authenticator, KeyVault vault) {
        return new SetKeyLimits(authenticator, vault);
    }
}
