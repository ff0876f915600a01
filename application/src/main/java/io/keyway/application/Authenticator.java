package io.keyway.application;

import io.keyway.domain.keys.KeyKind;
import io.keyway.domain.keys.PresentedKey;
import io.keyway.domain.model.GatewayKey;
import io.keyway.domain.model.ManagementKey;
import io.keyway.domain.port.KeyVault;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** Turns a presented bearer token into an authenticated caller, or a refusal. No lookup is made for a malformed key. */
public final class Authenticator {
    static final String INVALID = "Invalid or revoked API key.";
    private static final Refusal MISSING_KEY = new Refusal.Unauthenticated(
            "No API key given. Send it as 'Authorization: Bearer <key>'.");

    private final KeyVault vault;

    public Authenticator(KeyVault vault) {
        this.vault = vault;
    }

    /** A gateway key's holder: the presented key (for unsealing) and its stored record. */
    public record GatewayCaller(PresentedKey key, GatewayKey record) {
    }

    public Outcome<GatewayCaller> gateway(String bearer) {
        return parse(bearer, KeyKind.GATEWAY).then(key -> verified(key, vault.findGatewayKey(key.id())));
    }

    /**
     * The same as {@link #gateway}, without blocking: complete at once when the vault has the key's record in memory.
     * A malformed or missing key is refused with no lookup.
     */
    public CompletionStage<Outcome<GatewayCaller>> gatewayWithoutBlocking(String bearer) {
        return parse(bearer, KeyKind.GATEWAY).fold(
                key -> vault.lookUpGatewayKey(key.id()).thenApply(found -> verified(key, found)),
                refusal -> CompletableFuture.completedFuture(Outcome.refused(refusal)));
    }

    private static Outcome<GatewayCaller> verified(PresentedKey key, Optional<GatewayKey> found) {
        if (found.isEmpty() || !key.matches(found.get().verifier())) {
            key.destroy();
            return Outcome.refused(new Refusal.Unauthenticated(INVALID));
        }
        return Outcome.done(new GatewayCaller(key, found.get()));
    }

    public Outcome<ManagementKey> management(String bearer) {
        return parse(bearer, KeyKind.MANAGEMENT).then(key -> {
            Optional<ManagementKey> found = vault.findManagementKey(key.id());
            boolean verified = found.isPresent() && key.matches(found.get().verifier());
            key.destroy();
            if (!verified) {
                return Outcome.refused(new Refusal.Unauthenticated(INVALID));
            }
            return Outcome.done(found.get());
        });
    }

    /** The bearer token when one was given at all: the one place a request without a key is refused. */
    public Outcome<String> presented(String bearer) {
        return bearer == null || bearer.isBlank() ? Outcome.refused(MISSING_KEY) : Outcome.done(bearer.strip());
    }

    private Outcome<PresentedKey> parse(String bearer, KeyKind wanted) {
        return presented(bearer).then(given -> parsePresent(given, wanted));
    }

    private static Outcome<PresentedKey> parsePresent(String bearer, KeyKind wanted) {
        Optional<PresentedKey> parsed = PresentedKey.parse(bearer);
        if (parsed.isEmpty()) {
            return Outcome.refused(new Refusal.Unauthenticated(
                    "Malformed API key: Keyway keys start with 'kw-' (gateway) or 'kwm-' (management) and carry a checksum."));
        }
        PresentedKey key = parsed.get();
        if (key.kind() != wanted) {
            return Outcome.refused(new Refusal.WrongKeyKind(wanted == KeyKind.GATEWAY
                    ? "This endpoint takes a gateway key (kw-...), not a management key."
                    : "This endpoint takes a management key (kwm-...), not a gateway key."));
        }
        return Outcome.done(key);
    }
}
