package io.keyway.bootstrap;

import io.keyway.http.AdminToken;
import io.micronaut.context.env.Environment;
import io.micronaut.context.env.PropertySource;
import io.micronaut.core.convert.ConversionService;
import io.micronaut.core.util.StringUtils;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Keyway's own settings ({@code keyway.*}) checked before anything starts, each problem said in one line naming the
 * property: a value that is not a duration, a number or a URL, a property Keyway does not know (a typo that would
 * otherwise be ignored in silence), an upstream without a base URL. Unknown names are looked for in configuration
 * files, system properties and arguments; environment variables are not, because every variable yields several
 * spellings of its name (their values are still checked under the names Keyway reads).
 */
final class ConfigurationCheck {
    private static final Set<String> TUNING = Set.of("connect-timeout", "first-byte-timeout", "idle-timeout", "total-timeout",
            "retries", "retry-backoff", "retry-max-backoff");
    private static final Map<String, Set<String>> SECTIONS = Map.of(
            "openrouter", union(TUNING, Set.of("base-url", "models-ttl")),
            "key-cache", Set.of("maximum-size", "max-age", "negative-ttl", "enabled"),
            "auth-failures", Set.of("per-minute", "client-address-header", "trusted-proxies"),
            "usage", Set.of("flush-interval", "retention", "maximum-queued"),
            "limits", Set.of("sync-interval"),
            "routing", Set.of("max-attempts"),
            "keys", Set.of("outage-grace"),
            "bodies", Set.of("max-in-flight", "min-rate", "rate-grace", "idle-timeout"),
            "audit", Set.of("retention"),
            "server", Set.of("consolidate-flushes", "transport"));
    private static final Set<String> UPSTREAM = union(TUNING, Set.of("base-url", "api-key", "models", "models-ttl"));
    private static final Set<String> PROVIDER = union(TUNING, Set.of("base-url", "wire", "enabled", "check-keys", "title", "models-ttl", "max-tokens"));
    private static final Set<String> WIRES = Set.of(ProviderProperties.OPENAI_WIRE, ProviderProperties.ANTHROPIC_WIRE);
    private static final Set<String> TOP_LEVEL = Set.of("admin-token", "data-dir", "max-request-size");
    private static final Set<String> DURATIONS = Set.of("connect-timeout", "first-byte-timeout", "idle-timeout", "total-timeout",
            "retry-backoff", "retry-max-backoff", "models-ttl", "max-age", "negative-ttl", "flush-interval", "retention", "sync-interval", "outage-grace", "rate-grace");
    private static final Set<String> COUNTS = Set.of("retries", "maximum-size", "per-minute", "maximum-queued", "max-tokens", "max-attempts");

    private ConfigurationCheck() {
    }

    /** Thrown with every problem at once; {@code main} prints its message as Keyway's one line of failure. */
    static final class ConfigurationProblems extends RuntimeException {
        final List<String> problems;

        ConfigurationProblems(List<String> problems) {
            super(problems.size() == 1 ? problems.get(0)
                    : problems.size() + " configuration problems: " + String.join("; ", problems), null, false, false);
            this.problems = List.copyOf(problems);
        }
    }

    /** Proof, as a bean, that the settings were checked: the beans that read them depend on it. */
    record Checked() {
    }

    /** Checks the settings of a context that is built but not started; throws with every problem found. */
    static void require(Environment environment) {
        List<String> problems = problems(environment);
        if (!problems.isEmpty()) {
            throw new ConfigurationProblems(problems);
        }
    }

    static List<String> problems(Environment environment) {
        List<String> problems = new ArrayList<>();
        Set<String> named = new TreeSet<>();
        for (PropertySource source : environment.getPropertySources()) {
            if (source.getName().equals("env")) {
                continue;
            }
            for (String name : source) {
                if (name.startsWith("keyway.")) {
                    named.add(name);
                }
            }
        }
        for (String name : named) {
            String unknown = unknown(name.substring("keyway.".length()));
            if (unknown != null) {
                problems.add(unknown);
            }
        }
        Set<String> upstreams = new TreeSet<>(environment.getPropertyEntries("keyway.upstreams"));
        for (String upstream : upstreams) {
            String prefix = "keyway.upstreams." + upstream + ".";
            requireBaseUrl(environment, prefix, "upstream", problems);
            checkValues(environment, prefix, UPSTREAM, problems);
        }
        checkProviders(environment, upstreams, problems);
        checkModelGroups(environment, upstreams, problems);
        SECTIONS.forEach((section, keys) -> checkValues(environment, "keyway." + section + ".", keys, problems));
        environment.getProperty("keyway.admin-token", String.class).map(AdminToken::problem).ifPresent(problems::add);
        checkTrustedProxies(environment, problems);
        problems.sort(null);
        return problems;
    }

    /**
     * Each provider entry: a name that can be a model prefix, a wire Keyway has an adapter for, a base URL; and no
     * enabled provider whose prefix an operator model starts with (its requests would never reach the operator's
     * upstream) or whose name an operator upstream also has.
     */
    private static void checkProviders(Environment environment, Set<String> upstreams, List<String> problems) {
        for (String provider : new TreeSet<>(environment.getPropertyEntries("keyway.providers"))) {
            String prefix = "keyway.providers." + provider + ".";
            if (!provider.matches("[a-z][a-z0-9]{1,31}")) {
                problems.add("keyway.providers." + provider + ": a provider id is 2 to 32 lowercase letters and digits (it is the model prefix <id>-)");
                continue;
            }
            checkValues(environment, prefix, PROVIDER, problems);
            String wire = environment.getProperty(prefix + "wire", String.class).orElse(ProviderProperties.OPENAI_WIRE);
            if (!WIRES.contains(wire)) {
                problems.add(prefix + "wire = '" + wire + "' is not a wire Keyway speaks (known: " + String.join(", ", new TreeSet<>(WIRES)) + ")");
            }
            requireBaseUrl(environment, prefix, "provider", problems);
            if (!environment.getProperty(prefix + "enabled", Boolean.class).orElse(true)) {
                continue;
            }
            if (upstreams.contains(provider)) {
                problems.add("keyway.upstreams." + provider + " has the name of the provider " + provider
                        + " (keyway.providers." + provider + "): rename the upstream, or disable the provider");
            }
            for (String upstream : upstreams) {
                for (Object model : environment.getProperty("keyway.upstreams." + upstream + ".models", List.class).orElse(List.of())) {
                    if (String.valueOf(model).startsWith(provider + "-")) {
                        problems.add("keyway.upstreams." + upstream + ".models lists '" + model + "', which starts with the prefix of the provider "
                                + provider + " (keyway.providers." + provider + "): its requests would go to " + provider
                                + " with each user's own key; rename the model, or disable the provider");
                    }
                }
            }
        }
    }

    /**
     * Each model group: its deployments name a known upstream or enabled provider, its strategy is known, and each of
     * its fallbacks is a model something serves.
     */
    private static void checkModelGroups(Environment environment, Set<String> upstreams, List<String> problems) {
        Set<String> providers = new TreeSet<>();
        for (String provider : environment.getPropertyEntries("keyway.providers")) {
            if (environment.getProperty("keyway.providers." + provider + ".enabled", Boolean.class).orElse(true)) {
                providers.add(provider);
            }
        }
        ModelGroupSettings.Read read = ModelGroupSettings.read(environment, upstreams, providers);
        problems.addAll(read.problems());
        Set<String> served = new TreeSet<>();
        for (String upstream : upstreams) {
            for (Object model : environment.getProperty("keyway.upstreams." + upstream + ".models", List.class).orElse(List.of())) {
                served.add(String.valueOf(model));
            }
        }
        read.groups().forEach(group -> {
            served.add(group.name());
            served.addAll(group.aliases());
        });
        for (var group : read.groups()) {
            for (String fallback : group.fallbacks()) {
                boolean byPrefix = providers.stream().anyMatch(provider -> fallback.startsWith(provider + "-") && fallback.length() > provider.length() + 1);
                if (!served.contains(fallback) && !byPrefix) {
                    problems.add("keyway.models." + group.name() + ".fallbacks lists '" + fallback
                            + "', which no upstream, model group or enabled provider serves");
                }
            }
        }
    }

    /**
     * Each trusted proxy an address or CIDR block; and a client-address header only with trusted proxies, since
     * without them the header is whatever the client writes.
     */
    private static void checkTrustedProxies(Environment environment, List<String> problems) {
        List<?> proxies = environment.getProperty("keyway.auth-failures.trusted-proxies", List.class).orElse(List.of());
        for (Object proxy : proxies) {
            if (String.valueOf(proxy).isBlank()) {
                continue;
            }
            try {
                io.keyway.http.TrustedProxies.check(String.valueOf(proxy));
            } catch (IllegalArgumentException wrong) {
                problems.add("keyway.auth-failures.trusted-proxies: " + wrong.getMessage());
            }
        }
        boolean header = environment.getProperty("keyway.auth-failures.client-address-header", String.class).filter(StringUtils::hasText).isPresent();
        if (header && proxies.stream().allMatch(proxy -> String.valueOf(proxy).isBlank())) {
            problems.add("keyway.auth-failures.client-address-header is set without keyway.auth-failures.trusted-proxies: the header "
                    + "would be believed from anyone, so any client could pick the address it is counted under; list your proxies' "
                    + "addresses or CIDR blocks");
        }
    }

    private static void requireBaseUrl(Environment environment, String prefix, String kind, List<String> problems) {
        if (environment.getProperty(prefix + "base-url", String.class).filter(StringUtils::hasText).isEmpty()) {
            problems.add(prefix + "base-url is missing: every " + kind + " needs the URL its requests go to");
        }
    }

    /** Why a name under {@code keyway.} is not one Keyway reads, or null when it is. */
    private static String unknown(String name) {
        String[] parts = name.split("\\.", 3);
        if (parts.length == 1 && TOP_LEVEL.contains(name)) {
            return null;
        }
        if (parts[0].equals("upstreams")) {
            if (parts.length == 3) {
                String key = parts[2].contains("[") ? parts[2].substring(0, parts[2].indexOf('[')) : parts[2];
                return UPSTREAM.contains(key) ? null : "keyway.upstreams." + parts[1] + "." + parts[2]
                        + " is not an upstream setting (known: " + String.join(", ", new TreeSet<>(UPSTREAM)) + ")";
            }
            return "keyway." + name + " is not a setting: an upstream is configured as keyway.upstreams.<name>.base-url and so on";
        }
        if (parts[0].equals("models")) {
            if (parts.length == 3) {
                String key = parts[2].contains("[") ? parts[2].substring(0, parts[2].indexOf('[')) : parts[2];
                return ModelGroupSettings.GROUP_KEYS.contains(key) ? null : "keyway.models." + parts[1] + "." + parts[2]
                        + " is not a model group setting (known: " + String.join(", ", new TreeSet<>(ModelGroupSettings.GROUP_KEYS)) + ")";
            }
            return "keyway." + name + " is not a setting: a model group is configured as keyway.models.<name>.deployments and so on";
        }
        if (parts[0].equals("providers")) {
            if (parts.length == 3) {
                return PROVIDER.contains(parts[2]) ? null : "keyway.providers." + parts[1] + "." + parts[2]
                        + " is not a provider setting (known: " + String.join(", ", new TreeSet<>(PROVIDER)) + ")";
            }
            return "keyway." + name + " is not a setting: a provider is configured as keyway.providers.<id>.base-url and so on";
        }
        Set<String> keys = SECTIONS.get(parts[0]);
        if (keys != null && parts.length == 2 && keys.contains(parts[1])) {
            return null;
        }
        if (keys != null) {
            return "keyway." + name + " is not a setting of keyway." + parts[0] + " (known: " + String.join(", ", new TreeSet<>(keys)) + ")";
        }
        return "keyway." + name + " is not a Keyway setting";
    }

    private static void checkValues(Environment environment, String prefix, Set<String> keys, List<String> problems) {
        for (String key : keys) {
            Optional<Object> raw = environment.getProperty(prefix + key, Object.class);
            if (raw.isEmpty()) {
                continue;
            }
            String text = String.valueOf(raw.get());
            if (DURATIONS.contains(key)) {
                Optional<Duration> duration = ConversionService.SHARED.convert(raw.get(), Duration.class);
                if (duration.isEmpty()) {
                    problems.add(prefix + key + " = '" + text + "' is not a duration (write 500ms, 10s, 2m or ISO-8601 PT10S)");
                } else if (duration.get().isNegative() || (duration.get().isZero() && !key.equals("models-ttl") && !key.endsWith("backoff"))) {
                    problems.add(prefix + key + " = '" + text + "' must be more than zero");
                }
            } else if (COUNTS.contains(key)) {
                Optional<Long> count = ConversionService.SHARED.convert(raw.get(), Long.class);
                if (count.isEmpty() || count.get() < (key.equals("retries") ? 0 : 1)) {
                    problems.add(prefix + key + " = '" + text + "' is not a whole number" + (key.equals("retries") ? " of 0 or more" : " of 1 or more"));
                }
            } else if (key.equals("base-url")) {
                try {
                    URI uri = URI.create(text);
                    String unsafe = UpstreamAddresses.problem(prefix + key, uri);
                    if (uri.getScheme() == null || uri.getHost() == null) {
                        problems.add(prefix + key + " = '" + text + "' is not an absolute http(s) URL");
                    } else if (unsafe != null) {
                        // Keys would be sent there in the clear.
                        problems.add(unsafe);
                    }
                } catch (IllegalArgumentException notAUri) {
                    problems.add(prefix + key + " = '" + text + "' is not a URL");
                }
            } else if (key.equals("transport")) {
                Transports.problem(prefix + key, raw.get()).ifPresent(problems::add);
            } else if ((key.equals("enabled") || key.equals("check-keys") || key.equals("consolidate-flushes"))
                    && !text.equals("true") && !text.equals("false")) {
                problems.add(prefix + key + " = '" + text + "' is neither true nor false");
            }
        }
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new TreeSet<>(a);
        all.addAll(b);
        return Set.copyOf(all);
    }
}
