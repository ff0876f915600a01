package io.keyway.application;

import io.keyway.domain.completion.KeyCheck;
import io.keyway.domain.model.ProviderId;
import io.keyway.domain.model.ProviderKey;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Checks provider keys with their providers before they are sealed: a key its provider refuses is refused here, with
 * nothing stored; a provider that does not answer in time leaves the key unchecked, and it is attached all the same.
 * Waits, so it runs where key management runs: on a thread that may block.
 */
final class ProviderKeyChecks {
    /** Longer than any models list takes, shorter than a client's patience with a key-management call. */
    static final Duration WAIT = Duration.ofSeconds(10);

    private final Upstreams upstreams;

    ProviderKeyChecks(Upstreams upstreams) {
        this.upstreams = upstreams;
    }

    /** Each key checked at once, in parallel; refused as a whole when one provider refuses its key. */
    Outcome<Map<ProviderId, KeyCheck>> check(Map<ProviderId, ProviderKey> keys, String param) {
        Map<ProviderId, CompletableFuture<KeyCheck>> pending = new LinkedHashMap<>();
        keys.forEach((provider, key) -> pending.put(provider, upstreams.named(provider.value())
                .map(upstream -> upstream.check(key).toCompletableFuture())
                .orElseGet(() -> CompletableFuture.completedFuture(KeyCheck.UNCHECKED))
                .completeOnTimeout(KeyCheck.UNCHECKED, WAIT.toMillis(), TimeUnit.MILLISECONDS)
                .exceptionally(failure -> KeyCheck.UNCHECKED)));
        Map<ProviderId, KeyCheck> checks = new LinkedHashMap<>();
        for (Map.Entry<ProviderId, CompletableFuture<KeyCheck>> entry : pending.entrySet()) {
            KeyCheck check = entry.getValue().join();
            if (check == KeyCheck.REFUSED) {
                pending.values().forEach(other -> other.cancel(true));
                return Outcome.refused(new Refusal.ProviderKeyInvalid(entry.getKey(), param));
            }
            checks.put(entry.getKey(), check);
        }
        return Outcome.done(checks);
    }
}
