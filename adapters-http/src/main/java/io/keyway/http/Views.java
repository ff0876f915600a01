package io.keyway.http;

import io.keyway.application.Accounts;
import io.keyway.domain.model.Account;
import io.keyway.domain.model.ManagementKey;
import io.keyway.domain.completion.KeyCheck;
import io.keyway.domain.model.ProviderId;
import java.time.Instant;
import java.util.function.Function;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.keyway.domain.completion.ModelDescriptor;
import io.keyway.domain.model.GatewayKey;
import io.micronaut.core.annotation.Nullable;
import io.swagger.v3.oas.annotations.media.Schema;
import io.micronaut.serde.annotation.Serdeable;

import java.util.LinkedHashMap;
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
        @Override
        public String toString() {
            return "AccountCreated[" + id + "]";
        }
    }

    /**
     * @param sentTo  the host the provider key is sent to, shown to the key's holder only
     * @param checked in the answer that attached it only: whether the provider confirmed the key (false: it could not
     *                be asked, and the key was attached unchecked)
     */
    @Serdeable
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record ProviderKeyView(String hint, @JsonProperty("updated_at") long updatedAt, @Nullable @JsonProperty("sent_to") String sentTo,
                           @Nullable Boolean checked) {
    }

    /** A key's limits; null is no limit. */
    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    record LimitsView(@Nullable @JsonProperty("requests_per_minute") Long requestsPerMinute,
                      @Nullable @JsonProperty("tokens_per_day") Long tokensPerDay,
                      @Nullable @JsonProperty("cost_per_month") java.math.BigDecimal costPerMonth) {
    }

    @Serdeable
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record KeyView(String id, String object, String name, @Nullable String key, @JsonProperty("created_at") long createdAt,
                   @Nullable @JsonInclude(JsonInclude.Include.ALWAYS) @JsonProperty("expires_at") Long expiresAt,
                   @Nullable @JsonProperty("previous_secret_valid_until") Long previousSecretValidUntil,
                   @JsonProperty("provider_keys") Map<String, ProviderKeyView> providerKeys, LimitsView limits) {
        @Override
        public String toString() {
            return "KeyView[" + id + (key == null ? "" : ", with its secret") + "]";
        }
    }

    @Serdeable
    record ManagementKeyView(String id, String object, @JsonProperty("account_id") String accountId,
                             @Nullable @JsonInclude(JsonInclude.Include.NON_NULL) String key, @JsonProperty("created_at") long createdAt) {
        @Override
        public String toString() {
            return "ManagementKeyView[" + id + (key == null ? "" : ", with its secret") + "]";
        }
    }

    @Serdeable
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record AccountView(String id, String object, String name, @JsonProperty("created_at") long createdAt,
                       @Nullable @JsonProperty("management_keys") List<ManagementKeyView> managementKeys,
                       @Nullable @JsonProperty("gateway_keys") Integer gatewayKeys) {
    }

    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    record AccountList(String object, List<AccountView> data) {
    }

    /** One deployment of a model group, with what this instance has learnt of it. */
    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    record DeploymentView(String name, String upstream, String model, int weight, int priority,
                          @Schema(description = "ready, cooling (no request is sent until cooling_until) or probing (one request is testing it)")
                          String state, @Nullable @JsonProperty("cooling_until") Long coolingUntil, @JsonProperty("in_flight") int inFlight,
                          @JsonProperty("failures_in_a_row") int failuresInARow, @JsonProperty("calls_60s") long calls60s,
                          @JsonProperty("failures_60s") long failures60s, @Nullable @JsonProperty("first_byte_ms") Double firstByteMs) {
    }

    /** A model group as the router sees it on this instance. */
    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    record GroupView(String model, String strategy, List<String> aliases, List<String> fallbacks, List<DeploymentView> deployments) {
    }

    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    record RoutingView(String object, @Schema(description = "Cooldowns are per instance: each learns from its own traffic.") String scope,
                       List<GroupView> data) {
    }

    static RoutingView routing(io.keyway.domain.port.ModelRouter router) {
        io.keyway.domain.routing.DeploymentHealth health = router.health();
        List<GroupView> groups = new java.util.ArrayList<>();
        for (io.keyway.domain.routing.ModelGroup group : router.groups()) {
            List<DeploymentView> deployments = new java.util.ArrayList<>();
            for (io.keyway.domain.routing.Deployment deployment : group.deployments()) {
                io.keyway.domain.routing.DeploymentHealth.Snapshot state = health.snapshot(deployment);
                deployments.add(new DeploymentView(deployment.name(), deployment.upstream(), deployment.model(), deployment.weight(),
                        deployment.priority(), state.probing() ? "probing" : state.cooling() ? "cooling" : "ready",
                        state.coolingUntil().map(java.time.Instant::getEpochSecond).orElse(null), state.inFlight(), state.failuresInARow(),
                        state.calls60s(), state.failures60s(),
                        state.firstByteMillis().isPresent() ? Math.round(state.firstByteMillis().getAsDouble() * 10) / 10.0 : null));
            }
            groups.add(new GroupView(group.name(), group.strategy().spelling(), group.aliases(), group.fallbacks(), deployments));
        }
        return new RoutingView("list", "instance", groups);
    }

    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    record KeyList(String object, List<KeyView> data) {
    }

    /** Each model is an object: id, object, created, owned_by, then the rest of the upstream's catalogue entry as it sent it. */
    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    record ModelList(String object, List<Map<String, Object>> data) {
    }

    /** One group of a usage report, or its total (no group). */
    @Serdeable
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record UsageRow(String group, long requests, @JsonProperty("prompt_tokens") long promptTokens,
                    @JsonProperty("completion_tokens") long completionTokens, @JsonProperty("total_tokens") long totalTokens,
                    java.math.BigDecimal cost, @JsonProperty("estimated_requests") long estimatedRequests) {
    }

    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    record UsageReport(String object, long from, long to, @JsonProperty("group_by") String groupBy, List<UsageRow> data, UsageRow total) {
    }

    static UsageReport usage(io.keyway.application.ViewUsage.Report report) {
        return new UsageReport("usage", report.from().getEpochSecond(), report.to().getEpochSecond(),
                report.groupBy().name().toLowerCase(java.util.Locale.ROOT),
                report.data().stream().map(Views::usageRow).toList(), usageRow(report.total()));
    }

    private static UsageRow usageRow(io.keyway.domain.usage.UsageTotals totals) {
        return new UsageRow(totals.group(), totals.requests(), totals.promptTokens(), totals.completionTokens(), totals.totalTokens(),
                totals.cost(), totals.estimatedRequests());
    }

    static KeyView key(GatewayKey key) {
        return key(key, null);
    }

    static KeyView key(GatewayKey key, String secret) {
        return key(key, secret, provider -> null);
    }

    /** A key as its holder sees it: with where each provider key is sent. */
    static KeyView key(GatewayKey key, String secret, Function<ProviderId, String> sentTo) {
        return key(key, secret, sentTo, Map.of());
    }

    /** A key as the answer that attached provider keys shows it: with whether each provider confirmed its key. */
    static KeyView key(GatewayKey key, String secret, Function<ProviderId, String> sentTo, Map<ProviderId, KeyCheck> checks) {
        Map<String, ProviderKeyView> providerKeys = new TreeMap<>();
        key.providerKeys().forEach((provider, sealed) -> providerKeys.put(provider.value(),
                new ProviderKeyView(sealed.hint(), sealed.updatedAt().getEpochSecond(), sentTo.apply(provider),
                        checks.containsKey(provider) ? checks.get(provider) == KeyCheck.ACCEPTED : null)));
        return new KeyView(key.id().value(), "gateway_key", key.name(), secret, key.createdAt().getEpochSecond(),
                key.expiry().map(Instant::getEpochSecond).orElse(null),
                key.previousSecret().map(previous -> previous.validUntil().getEpochSecond()).orElse(null), providerKeys,
                new LimitsView(key.limits().requestsPerMinute(), key.limits().tokensPerDay(), key.limits().costPerMonth()));
    }

    static ManagementKeyView managementKey(ManagementKey key, String secret) {
        return new ManagementKeyView(key.id().value(), "management_key", key.account().toString(), secret, key.createdAt().getEpochSecond());
    }

    static AccountView account(Account account) {
        return new AccountView(account.id().toString(), "account", account.name(), account.createdAt().getEpochSecond(), null, null);
    }

    static AccountView account(Accounts.AccountDetails details) {
        Account account = details.account();
        return new AccountView(account.id().toString(), "account", account.name(), account.createdAt().getEpochSecond(),
                details.managementKeys().stream().map(key -> managementKey(key, null)).toList(), details.gatewayKeys());
    }

    static AccountList accounts(List<Account> accounts) {
        return new AccountList("list", accounts.stream().map(Views::account).toList());
    }

    static KeyList keys(List<GatewayKey> keys) {
        return new KeyList("list", keys.stream().map(Views::key).toList());
    }

    static ModelList models(List<ModelDescriptor> models) {
        return new ModelList("list", models.stream().map(Views::model).toList());
    }

    static Map<String, Object> model(ModelDescriptor model) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", model.id());
        view.put("object", "model");
        view.put("created", model.created());
        view.put("owned_by", model.ownedBy());
        view.putAll(model.details());
        return view;
    }
}
