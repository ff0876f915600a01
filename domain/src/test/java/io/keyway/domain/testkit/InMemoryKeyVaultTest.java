package io.keyway.domain.testkit;

import io.keyway.domain.port.KeyVault;
import io.keyway.domain.port.KeyVaultContract;

/** The fake the use-case tests rely on keeps the same promises as the real vault. */
class InMemoryKeyVaultTest extends KeyVaultContract {
    private final InMemoryKeyVault vault = new InMemoryKeyVault();

    @Override
    protected KeyVault vault() {
        return vault;
    }
}
