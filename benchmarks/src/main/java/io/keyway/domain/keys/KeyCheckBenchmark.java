package io.keyway.domain.keys;

import io.keyway.domain.model.ProviderId;
import io.keyway.domain.model.ProviderKey;
import io.keyway.domain.model.SealedSecret;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.State;

import java.util.concurrent.TimeUnit;

import java.util.Optional;

/** What every request pays for its key: parse and verify the presented gateway key, unseal its provider key. */
@State(Scope.Thread)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class KeyCheckBenchmark {
    private String token;
    private Verifier stored;
    private SealedSecret sealed;
    private ProviderKeySeal seal;

    @Setup
    public void mint() {
        PresentedKey key = new KeyMint().mint(KeyKind.GATEWAY);
        token = key.token();
        stored = key.verifier();
        seal = new ProviderKeySeal();
        sealed = seal.seal(key, ProviderId.OPENROUTER, ProviderKey.of("sk-or-v1-benchmark-0000000000000000"));
    }

    /** Checksum, shape, and the verifier compared in constant time (one HKDF-SHA256). */
    @Benchmark
    public boolean parseAndVerify() {
        PresentedKey key = PresentedKey.parse(token).orElseThrow();
        boolean matches = key.matches(stored);
        key.destroy();
        return matches;
    }

    /** HKDF-SHA256 of the secret with the blob's salt, then AES-256-GCM. */
    @Benchmark
    public Optional<ProviderKey> unseal() {
        PresentedKey key = PresentedKey.parse(token).orElseThrow();
        try {
            return seal.unseal(key, ProviderId.OPENROUTER, sealed);
        } finally {
            key.destroy();
        }
    }
}
