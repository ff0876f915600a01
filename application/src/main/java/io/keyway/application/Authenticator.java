package io.keyway.application;

import io.keyway.domain.audit.SecurityEvents;
import io.keyway.domain.keys.KeyKind;
import io.keyway.domain.keys.PresentedKey;
import io.keyway.domain.keys.Verifier;
import io.keyway.domain.model.GatewayKey;
import io.keyway.domain.model.ManagementKey;
import io.keyway.domain.port.KeyVault;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** Turns a presented bearer token into an authenticated caller, or a refusal. No lookup is made for a malformed key. */
public final class Authenticator {
    static final String INVALID = "Invalid or revoked API key.";
    private static final Refusal MISSING_KEY = new Refusal.Unauthenticated(
            "No API key given. Send it as 'Authorization: Bearer <key>'.");

    /**
     * Compared against when no key has the presented id, so that an unknown id costs the same derivation as a wrong
     * secret and the two cannot be told apart by time.
     */
    private static final Verifier NO_KEY = new Verifier(new byte[32]);

    private final KeyVault vault;
    private final Clock clock;
    private final SecurityEvents events;

    public Authenticator(KeyVault vault, Clock clock) {
        this(vault, clock, SecurityEvents.NONE);
    }

    /** @param events where a key first refused as expired is put on its account's trail */
    public Authenticator(KeyVault vault, Clock clock, SecurityEvents events) {
        this.vault = vault;
        this.clock = clock;
        this.events = events;
    }

    /**
     * A gateway key's holder: the presented key (for unsealing) and its stored record as that key sees it.
     *
     * @param previousSecret whether the key presented is the secret a rotation replaced, still accepted during its
     *                       grace period; then {@code record} carries the provider keys sealed under that secret
     */
    public record GatewayCaller(PresentedKey key, GatewayKey record, boolean previousSecret) {
    }

    public Outcome<GatewayCaller> gateway(String bearer) {
        return parse(bearer, KeyKind.GATEWAY).then(key -> verified(key, vault.findGatewayKey(key.id())));
    }

    /**
     * A gateway key's holder about to change the key (rotate it, attach or detach a provider key): only the current
     * secret may, not one a rotation replaced.
     */
    public Outcome<GatewayCaller> gatewayForChange(String bearer) {
        return gateway(bearer).then(caller -> {
            if (caller.previousSecret()) {
                caller.key().destroy();
                return Outcome.refused(new Refusal.Unauthenticated("This secret was replaced by a rotation. It keeps serving requests until "
                        + caller.record().previousSecret().map(p -> p.validUntil().toString()).orElse("its grace period ends")
                        + ", but changing the key takes the new secret."));
            }
            return Outcome.done(caller);
        });
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

    private Outcome<GatewayCaller> verified(PresentedKey key, Optional<GatewayKey> found) {
        Verifier presented = key.verifier();
        if (found.isEmpty()) {
            presented.equals(NO_KEY);
            key.destroy();
            return Outcome.refused(new Refusal.Unauthenticated(INVALID));
        }
        GatewayKey record = found.get();
        Instant now = clock.instant();
        GatewayCaller caller;
        if (presented.equals(record.verifier())) {
            caller = new GatewayCaller(key, record, false);
        } else if (record.previous() != null && record.previous().acceptedAt(now) && presented.equals(record.previous().verifier())) {
            caller = new GatewayCaller(key, record.asSeenByPreviousSecret(), true);
        } else {
            key.destroy();
            return Outcome.refused(new Refusal.Unauthenticated(INVALID));
        }
        // Only the key's holder learns that it expired: the secret is checked first.
        if (record.expiredAt(now)) {
            key.destroy();
            events.expiredKeyRefused(record.account(), record.id(), record.expiresAt());
            return Outcome.refused(new Refusal.Expired(record.expiresAt()));
        }
        return Outcome.done(caller);
    }

    public Outcome<ManagementKey> management(String bearer) {
        return parse(bearer, KeyKind.MANAGEMENT).then(key -> {
            Optional<ManagementKey> found = vault.findManagementKey(key.id());
            Verifier presented = key.verifier();
            boolean verified = presented.equals(found.map(ManagementKey::verifier).orElse(NO_KEY)) && found.isPresent();
            key.destroy();
            if (!verified) {
                return Outcome.refused(new Refusal.Unauthenticated(INVALID));
            }
            return Outcome.done(found.get());
        });
    }

    /**
     * Why {@code bearer} cannot be a key of the kind wanted (missing, malformed, of the other kind), with no lookup
     * and no derivation; empty when it may be one. For refusing a request before its body is read.
     */
    public Optional<Refusal> wellFormed(String bearer, boolean gatewayKey) {
        Outcome<PresentedKey> parsed = parse(bearer, gatewayKey ? KeyKind.GATEWAY : KeyKind.MANAGEMENT);
        return parsed.fold(key -> {
            key.destroy();
            return Optional.<Refusal>empty();
        }, Optional::of);
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
