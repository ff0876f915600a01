package io.keyway.http.relay;

import io.keyway.application.RecordUsage;
import io.keyway.application.Refusal;
import io.keyway.application.Sent;
import io.keyway.domain.completion.Endpoint;
import io.keyway.domain.completion.UpstreamFailure;
import io.keyway.domain.completion.UpstreamReply;
import io.keyway.domain.keys.KeyId;
import io.keyway.domain.model.AccountId;
import io.keyway.domain.model.KeyLimits;
import io.keyway.domain.port.LimitCounters;
import io.keyway.domain.port.UsageLedger;
import io.keyway.domain.usage.TokenUsage;
import io.keyway.domain.usage.UsageQuery;
import io.keyway.domain.usage.UsageRecord;
import io.keyway.domain.usage.UsageTotals;
import io.keyway.http.GatewayMeters;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.json.JsonMapper;
import org.junit.jupiter.api.Test;
import org.reactivestreams.FlowAdapters;
import reactor.core.publisher.Flux;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The relay room's one rule: a routed request ends once, and that end alone makes its usage record. */
class RelayedRequestTest {
    private final List<UsageRecord> recorded = new CopyOnWriteArrayList<>();
    private final Relay relay = new Relay(new RecordUsage(new Recorded(), new NoLimits()), new GatewayMeters(Optional.empty()),
            JsonMapper.createDefault(), Clock.fixed(Instant.parse("2031-05-01T10:00:00Z"), ZoneOffset.UTC));

    private static final Sent SENT = new Sent("openrouter", "0123456789abcdef", AccountId.random(), "openrouter-a/b",
            Endpoint.CHAT_COMPLETIONS, false, KeyLimits.NONE, null);

    private RelayedRequest sentRequest() {
        RelayedRequest request = relay.open(HttpRequest.POST("/v1/chat/completions", ""), "req_test", System.nanoTime());
        request.sent(SENT, () -> { });
        return request;
    }

    @Test
    void endsThatRaceMakeOneRecordPerRequest() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(3);
        try {
            for (int i = 0; i < 300; i++) {
                RelayedRequest request = sentRequest();
                request.answered(200);
                request.answerStarted();
                CountDownLatch go = new CountDownLatch(1);
                CountDownLatch done = new CountDownLatch(3);
                for (Runnable end : List.<Runnable>of(() -> request.completed(TokenUsage.NONE),
                        () -> request.bodyFailed(new UpstreamFailure(UpstreamFailure.Kind.CONNECTION_LOST, "reset"), TokenUsage.NONE, 10, false),
                        () -> request.bodyCancelled(TokenUsage.NONE, 10, 0))) {
                    threads.execute(() -> {
                        try {
                            go.await();
                            end.run();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        } finally {
                            done.countDown();
                        }
                    });
                }
                go.countDown();
                assertTrue(done.await(5, TimeUnit.SECONDS));
            }
        } finally {
            threads.shutdownNow();
        }

        assertEquals(300, recorded.size(), "one record per request, whichever end came first");
        assertTrue(recorded.stream().allMatch(record -> record.at().equals(Instant.parse("2031-05-01T10:00:00Z"))),
                "the record's time is the gateway's clock");
    }

    @Test
    void aWholeAnswerWhoseBodyFailsBeforeItsFirstByteIsAFailed502() throws Exception {
        RelayedRequest request = sentRequest();
        Flux<byte[]> broken = Flux.error(new UpstreamFailure(UpstreamFailure.Kind.CONNECTION_LOST, "reset before the body"));

        request.replied(new UpstreamReply.Answered(200, Map.of("Content-Type", List.of("application/json")), FlowAdapters.toFlowPublisher(broken)));
        HttpResponse<?> response = request.response().get(5, TimeUnit.SECONDS);

        assertEquals(502, response.code());
        assertEquals(1, recorded.size());
        assertEquals(List.of("failed", 502), List.of(recorded.get(0).outcome(), recorded.get(0).status()));
    }

    @Test
    void aRequestOverALimitIsRefusedWithTheRateLimitHeadersAndNoRecord() throws Exception {
        RelayedRequest request = relay.open(HttpRequest.POST("/v1/chat/completions", ""), "req_limited", System.nanoTime());
        LimitCounters.Status requests = new LimitCounters.Status("3", "0", 42);

        request.refused(new Refusal.LimitExceeded(new LimitCounters.Admission(LimitCounters.Exceeded.REQUESTS, 42, requests, null, null)));
        HttpResponse<?> response = request.response().get(5, TimeUnit.SECONDS);

        assertEquals(429, response.code());
        assertEquals("42", response.getHeaders().get("Retry-After"));
        assertEquals("3", response.getHeaders().get("x-ratelimit-limit-requests"));
        assertEquals("42s", response.getHeaders().get("x-ratelimit-reset-requests"));
        assertTrue(recorded.isEmpty(), "a request never sent has no usage");
    }

    private final class Recorded implements UsageLedger {
        @Override
        public void record(UsageRecord record) {
            recorded.add(record);
        }

        @Override
        public List<UsageTotals> summarize(UsageQuery query) {
            return List.of();
        }
    }

    private static final class NoLimits implements LimitCounters {
        @Override
        public CompletionStage<Admission> admit(KeyId key, KeyLimits limits, Instant now) {
            throw new AssertionError("not asked here");
        }

        @Override
        public void consumed(KeyId key, KeyLimits limits, long tokens, BigDecimal cost, Instant now) {
        }
    }
}
