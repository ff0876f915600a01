package io.keyway.application;

import io.keyway.domain.testkit.MutableClock;

import io.keyway.domain.completion.UpstreamReply;
import java.util.concurrent.CompletableFuture;

import io.keyway.domain.completion.Endpoint;
import io.keyway.domain.keys.KeyMint;
import io.keyway.domain.keys.ProviderKeySeal;
import io.keyway.domain.model.ProviderId;
import io.keyway.domain.routing.PrefixModelRouter;
import io.keyway.domain.testkit.InMemoryKeyVault;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The use cases wired on fakes, with the helpers the tests of this module share. */
final class KeywayCore {
    final InMemoryKeyVault vault = new InMemoryKeyVault();
    final RecordingProvider openRouter = new RecordingProvider("openrouter");
    final RecordingProvider local = new RecordingProvider("local");
    final PrefixModelRouter router = new PrefixModelRouter(Set.of(ProviderId.OPENROUTER), Map.of("local", List.of("local-chat")));
    final MutableClock clock = new MutableClock(Instant.parse("2026-11-25T12:00:00Z"));
    final KeyMint mint = new KeyMint();
    final ProviderKeySeal seal = new ProviderKeySeal();
    final Authenticator authenticator = new Authenticator(vault, clock);
    final Upstreams upstreams = new Upstreams(List.of(openRouter, local));
    final CreateAccount createAccount = new CreateAccount(vault, mint, clock);
    final IssueGatewayKey issue = new IssueGatewayKey(authenticator, vault, router, upstreams, mint, seal, clock);
    final RevokeGatewayKey revoke = new RevokeGatewayKey(authenticator, vault);
    final ManageProviderKeys providerKeys = new ManageProviderKeys(authenticator, vault, router, upstreams, seal, clock);
    final RouteCompletion route = new RouteCompletion(authenticator, router, upstreams, seal, new io.keyway.domain.limits.SharedLimitCounters(new io.keyway.domain.testkit.InMemoryLimitStore(), clock, Runnable::run), clock);
    final RotateGatewayKey rotate = new RotateGatewayKey(authenticator, vault, mint, seal, clock);
    final ManagementKeys managementKeys = new ManagementKeys(authenticator, vault, mint, clock);
    final Accounts accounts = new Accounts(vault);
    final ViewGatewayKeys view = new ViewGatewayKeys(authenticator, vault);
    final ListModels listModels = new ListModels(authenticator, router, upstreams, seal, clock.instant());

    String account() {
        return done(createAccount.create("acme")).managementKey();
    }

    IssueGatewayKey.NewGatewayKey gatewayKey(String managementKey, Map<String, String> providerKeys) {
        return done(issue.issue(new IssueGatewayKey.Command(managementKey, "laptop", providerKeys)));
    }

    /** Routes a call and waits for where it went (or why it was refused); the reply is not awaited. */
    Outcome<Sent> call(String bearer, String model) {
        CompletableFuture<Outcome<Sent>> heard = new CompletableFuture<>();
        route.route(new RouteCompletion.Command(bearer, Endpoint.CHAT_COMPLETIONS, Outcome.done(body(model)), "req-test", Map.of()),
                new CompletionEvents() {
                    @Override
                    public void refused(Refusal refusal) {
                        heard.complete(Outcome.refused(refusal));
                    }

                    @Override
                    public void sent(Sent sent, Runnable giveUp) {
                        heard.complete(Outcome.done(sent));
                    }

                    @Override
                    public void replied(UpstreamReply reply) {
                    }

                    @Override
                    public void failed(Throwable cause) {
                        heard.completeExceptionally(cause);
                    }
                });
        return heard.join();
    }

    static <T> T done(Outcome<T> outcome) {
        if (outcome instanceof Outcome.Done<T> done) {
            return done.value();
        }
        throw new AssertionError("refused: " + ((Outcome.Refused<T>) outcome).refusal());
    }

    static Refusal refusal(Outcome<?> outcome) {
        if (outcome instanceof Outcome.Refused<?> refused) {
            return refused.refusal();
        }
        throw new AssertionError("expected a refusal, got " + outcome);
    }

    /** A body whose model is replaced by simple text substitution, enough for the use cases. */
    static CompletionBody body(String model) {
        return new CompletionBody() {
            @Override
            public String model() {
                return model;
            }

            @Override
            public boolean stream() {
                return false;
            }

            @Override
            public byte[] withModel(String upstreamModel) {
                return ("{\"model\":\"" + upstreamModel + "\"}").getBytes(StandardCharsets.UTF_8);
            }
        };
    }
}
