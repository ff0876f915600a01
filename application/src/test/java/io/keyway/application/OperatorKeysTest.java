package io.keyway.application;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.keyway.application.KeywayCore.done;
import static io.keyway.application.KeywayCore.refusal;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The operator's key actions behind the admin CLI: by account id, with the same checks as the API. */
class OperatorKeysTest {
    private final KeywayCore core = new KeywayCore();

    @Test
    void aKeyIssuedForAnAccountWorksAndIsListedAndRevokedLikeAnyOther() {
        String management = core.account();
        String accountId = core.accounts.list().get(0).id().toString();

        IssueGatewayKey.NewGatewayKey issued = done(core.issue.issueForAccount(accountId, "ci", Map.of("openrouter", "sk-or-v1-operator-000001"), null));

        assertTrue(core.call(issued.secret(), "openrouter-a/b") instanceof Outcome.Done<?>, "the key calls with its sealed OpenRouter key");
        assertEquals(List.of(issued.key().id()), done(core.view.listForAccount(accountId)).stream().map(k -> k.id()).toList());
        assertEquals(List.of(issued.key().id()), done(core.view.list(management)).stream().map(k -> k.id()).toList(),
                "the account's own management key sees it");
        assertEquals(issued.key().id(), done(core.revoke.revokeAny(issued.key().id().value())));
        assertInstanceOf(Refusal.Unauthenticated.class, refusal(core.call(issued.secret(), "openrouter-a/b")));
        assertInstanceOf(Refusal.NotFound.class, refusal(core.revoke.revokeAny(issued.key().id().value())));
    }

    @Test
    void unknownAccountsBadNamesAndBadProviderKeysAreRefused() {
        core.account();
        String accountId = core.accounts.list().get(0).id().toString();

        assertInstanceOf(Refusal.NotFound.class, refusal(core.issue.issueForAccount("5b1f0a36-0000-4000-8000-000000000000", "ci", Map.of(), null)));
        assertInstanceOf(Refusal.NotFound.class, refusal(core.issue.issueForAccount("not-a-uuid", "ci", Map.of(), null)));
        assertInstanceOf(Refusal.NotFound.class, refusal(core.view.listForAccount("5b1f0a36-0000-4000-8000-000000000000")));
        assertEquals("name", ((Refusal.InvalidRequest) refusal(core.issue.issueForAccount(accountId, "", Map.of(), null))).param());
        assertInstanceOf(Refusal.InvalidRequest.class, refusal(core.issue.issueForAccount(accountId, "ci", Map.of("nobody", "x"), null)));
        assertInstanceOf(Refusal.NotFound.class, refusal(core.revoke.revokeAny("zz")));
        assertEquals(List.of(), done(core.view.listForAccount(accountId)), "nothing was stored by a refused request");
    }
}
