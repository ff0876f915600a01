package io.keyway.application;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A stream's first event told apart (began, error, cut, ended), and every byte replayed after it. */
class FirstEventTest {
    /** A body that sends its chunks at demand, then ends (or fails with {@code failure}); says whether it was cancelled. */
    private static final class Chunks implements Flow.Publisher<byte[]> {
        private final List<String> chunks;
        private final Throwable failure;
        volatile boolean cancelled;

        Chunks(Throwable failure, String... chunks) {
            this.chunks = List.of(chunks);
            this.failure = failure;
        }

        @Override
        public void subscribe(Flow.Subscriber<? super byte[]> subscriber) {
            subscriber.onSubscribe(new Flow.Subscription() {
                int next;
                boolean done;

                @Override
                public void request(long n) {
                    for (long i = 0; i < n && !done && !cancelled; i++) {
                        if (next < chunks.size()) {
                            subscriber.onNext(chunks.get(next++).getBytes(StandardCharsets.UTF_8));
                        }
                        if (next == chunks.size() && !done) {
                            done = true;
                            if (failure == null) {
                                subscriber.onComplete();
                            } else {
                                subscriber.onError(failure);
                            }
                        }
                    }
                }

                @Override
                public void cancel() {
                    cancelled = true;
                }
            });
        }
    }

    /** Everything the body gives, requesting {@code batch} at a time, and how it ended. */
    private static String readAll(Flow.Publisher<byte[]> body, long batch, List<Throwable> ended) throws Exception {
        StringBuilder text = new StringBuilder();
        CompletableFuture<Void> done = new CompletableFuture<>();
        body.subscribe(new Flow.Subscriber<>() {
            Flow.Subscription subscription;
            long left;

            @Override
            public void onSubscribe(Flow.Subscription s) {
                subscription = s;
                left = batch;
                s.request(batch);
            }

            @Override
            public void onNext(byte[] item) {
                text.append(new String(item, StandardCharsets.UTF_8));
                if (--left == 0) {
                    left = batch;
                    subscription.request(batch);
                }
            }

            @Override
            public void onError(Throwable throwable) {
                ended.add(throwable);
                done.complete(null);
            }

            @Override
            public void onComplete() {
                done.complete(null);
            }
        });
        done.get(5, TimeUnit.SECONDS);
        return text.toString();
    }

    @Test
    void commentsThenDataBeganAndEveryByteIsReplayedInOrder() throws Exception {
        String[] chunks = {": OPENROUTER PROCESSING\n\n", "data: {\"choices\":[{\"del", "ta\":{\"content\":\"a\"}}]}\n\n", "data: {\"n\":2}\n\n", "data: [DONE]\n\n"};
        FirstEvent reader = FirstEvent.read(new Chunks(null, chunks));

        assertEquals(FirstEvent.Kind.BEGAN, reader.first().get(1, TimeUnit.SECONDS));
        List<Throwable> ended = new ArrayList<>();
        assertEquals(String.join("", chunks), readAll(reader.body(), 1, ended));
        assertTrue(ended.isEmpty());
    }

    @Test
    void anErrorObjectOrErrorEventBeforeAnyDataIsAnError() throws Exception {
        assertEquals(FirstEvent.Kind.ERROR_EVENT, FirstEvent.read(new Chunks(null, ": wait\n\n",
                "data: {\"error\":{\"message\":\"overloaded\",\"code\":502}}\n\n")).first().get(1, TimeUnit.SECONDS));
        assertEquals(FirstEvent.Kind.ERROR_EVENT, FirstEvent.read(new Chunks(null,
                "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\"}}\n\n")).first().get(1, TimeUnit.SECONDS));
        assertEquals(FirstEvent.Kind.ERROR_EVENT, FirstEvent.read(new Chunks(null,
                "data: { \"error\" : \"x\" }\r\n\r\n")).first().get(1, TimeUnit.SECONDS));
        assertEquals(FirstEvent.Kind.BEGAN, FirstEvent.read(new Chunks(null,
                "data: {\"choices\":[],\"error\":null}\n\n")).first().get(1, TimeUnit.SECONDS), "an error member that is not the first is data");
    }

    @Test
    void aCutBeforeAnyDataFailedAndTheCutIsReplayedAfterWhatCame() throws Exception {
        IllegalStateException cut = new IllegalStateException("reset");
        FirstEvent reader = FirstEvent.read(new Chunks(cut, ": wait\n\n"));

        assertEquals(FirstEvent.Kind.FAILED, reader.first().get(1, TimeUnit.SECONDS));
        List<Throwable> ended = new ArrayList<>();
        assertEquals(": wait\n\n", readAll(reader.body(), 5, ended));
        assertEquals(List.of(cut), ended);
    }

    @Test
    void anEmptyBodyEnded() throws Exception {
        FirstEvent reader = FirstEvent.read(new Chunks(null));
        assertEquals(FirstEvent.Kind.ENDED, reader.first().get(1, TimeUnit.SECONDS));
        assertEquals("", readAll(reader.body(), 1, new ArrayList<>()));
    }

    @Test
    void discardingCancelsTheUpstream() throws Exception {
        Chunks body = new Chunks(null, "data: {\"error\":{}}\n\n", "data: more\n\n");
        FirstEvent reader = FirstEvent.read(body);
        reader.first().get(1, TimeUnit.SECONDS);

        reader.discard();

        assertTrue(body.cancelled);
    }
}
