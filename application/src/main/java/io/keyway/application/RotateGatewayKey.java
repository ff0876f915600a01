package io.keyway.application;

import io.keyway.domain.keys.KeyKind;
import io.keyway.domain.keys.KeyMint;
import io.keyway.domain.keys.PresentedKey;
import io.keyway.domain.keys.ProviderKeySeal;
import io.keyway.domain.model.GatewayKey;
import io.keyway.domain.model.GatewayKeyRotation;
import io.keyway.domain.model.ProviderId;
import io.keyway.domain.model.ProviderKey;
import io.keyway.domain.model.SealedProviderKey;
import io.keyway.domain.model.SealedSecret;
import io.keyway.domain.port.KeyVault;

import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A gateway key's holder gives it a new secret. The id stays; every provider key it carries is unsealed with the old
 * secret and sealed again under the new one, and the vault swaps them all in one step. With a grace period the old
 * secret keeps working (with its provider keys) until the period ends; without one it is refused at once.
 */
public final class RotateGatewayKey {
    public static final int MAX_GRACE_SECONDS = 86_400;

    private final Authenticator authenticator;
    private final KeyVault vault;
    private final KeyMint mint;
    private final ProviderKeySeal seal;
    private final Clock clock;

    public RotateGatewayKey(Authenticator authenticator, KeyVault vault, KeyMint mint, ProviderKeySeal seal, Clock clock) {
        this.authenticator = authenticator;
        this.vault = vault;
        this.mint = mint;
        this.seal = seal;
        this.clock = clock;
    }

    /** @param graceSeconds how long the replaced secret keeps working, 0 to {@value #MAX_GRACE_SECONDS}; null for 0 */
    public Outcome<IssueGatewayKey.NewGatewayKey> rotate(String gatewayBearer, Long graceSeconds) {
        long grace = graceSeconds == null ? 0 : graceSeconds;
        return authenticator.gatewayForChange(gatewayBearer).then(caller -> {
            if (grace < 0 || grace > MAX_GRACE_SECONDS) {
                caller.key().destroy();
                return Outcome.refused(new Refusal.InvalidRequest(
                        "'grace_seconds' must be a whole number from 0 to " + MAX_GRACE_SECONDS + ".", "grace_seconds"));
            }
            PresentedKey next = mint.remint(KeyKind.GATEWAY, caller.record().id());
            try {
                return rotate(caller.key(), caller.record(), next, grace);
            } finally {
                caller.key().destroy();
                next.destroy();
            }
        });
    }

    private Outcome<IssueGatewayKey.NewGatewayKey> rotate(PresentedKey current, GatewayKey record, PresentedKey next, long grace) {
        Map<ProviderId, SealedSecret> replacedSeals = new HashMap<>();
        Map<ProviderId, SealedProviderKey> resealed = new HashMap<>();
        for (SealedProviderKey sealed : record.providerKeys().values()) {
            Optional<ProviderKey> plain = seal.unseal(current, sealed.provider(), sealed.sealed());
            if (plain.isEmpty()) {
                return Outcome.refused(new Refusal.ProviderKeyUnreadable(sealed.provider()));
            }
            replacedSeals.put(sealed.provider(), sealed.sealed());
            resealed.put(sealed.provider(), new SealedProviderKey(sealed.provider(), seal.seal(next, sealed.provider(), plain.get()),
                    sealed.hint(), sealed.updatedAt()));
        }
        Instant graceUntil = grace == 0 ? null : clock.instant().plusSeconds(grace);
        GatewayKeyRotation rotation = new GatewayKeyRotation(record.id(), record.verifier(), replacedSeals, next.verifier(), resealed, graceUntil);
        if (!vault.rotateGatewayKey(rotation)) {
            return Outcome.refused(new Refusal.Conflict("The key changed while it was being rotated (another rotation, or a provider key "
                    + "attached or detached); nothing was changed. Try again with the key's current secret."));
        }
        GatewayKey rotated = new GatewayKey(record.id(), record.account(), record.name(), next.verifier(), record.createdAt(), resealed,
                record.expiresAt(), graceUntil == null ? null : new GatewayKey.PreviousSecret(record.verifier(), graceUntil, record.providerKeys()),
                record.limits());
        return Outcome.done(new IssueGatewayKey.NewGatewayKey(rotated, next.token(), java.util.Map.of()));
    }
}
