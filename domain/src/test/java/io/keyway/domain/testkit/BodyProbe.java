package io.keyway.domain.testkit;

import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Subscribes to a body publisher and records each chunk with the time it arrived, and how the body ended. */
public final class BodyProbe implements Flow.Subscriber<byte[]> {
    public record Chunk(long nanos, byte[] bytes) {
    }

    private final List<Chunk> chunks = new CopyOnWriteArrayList<>();
    private final CompletableFuture<Void> ended = new CompletableFuture<>();
    private volatile Flow.Subscription subscription;

    public static BodyProbe of(Flow.Publisher<byte[]> body) {
        BodyProbe probe = new BodyProbe();
        body.subscribe(probe);
        return probe;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        this.subscription = subscription;
        subscription.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(byte[] item) {
        chunks.add(new Chunk(System.nanoTime(), item));
    }

    @Override
    public void onError(Throwable throwable) {
        ended.completeExceptionally(throwable);
    }

    @Override
    public void onComplete() {
        ended.complete(null);
    }

    public void cancel() {
        subscription.cancel();
    }

    /** Waits for the body to end; returns the error it ended with, or null when it completed. */
    public Throwable awaitEnd(Duration limit) throws InterruptedException, TimeoutException {
        try {
            ended.get(limit.toMillis(), TimeUnit.MILLISECONDS);
            return null;
        } catch (ExecutionException e) {
            return e.getCause();
        }
    }

    /** Waits until at least {@code count} chunks arrived. */
    public void awaitChunks(int count, Duration limit) throws InterruptedException {
        Await.until(() -> chunks.size() >= count, limit, count + " chunks arrived (" + chunks.size() + " so far)");
    }

    public List<Chunk> chunks() {
        return List.copyOf(chunks);
    }

    public String text() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        chunks.forEach(chunk -> out.writeBytes(chunk.bytes()));
        return out.toString(java.nio.charset.StandardCharsets.UTF_8);
    }
}
