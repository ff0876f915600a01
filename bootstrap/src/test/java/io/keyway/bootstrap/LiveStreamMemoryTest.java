package io.keyway.bootstrap;

import io.keyway.domain.testkit.FakeUpstream;
import io.keyway.testkit.Gateway;
import io.keyway.testkit.KeywayExtension;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a live stream costs the gateway's memory: its prompt is sent upstream and then let go, however long the answer
 * runs. The gateway runs in this JVM, so its heap (after collections) and Netty's buffers off the heap are measured
 * here with every stream open. The streams are plain sockets (an HTTP client would hold buffers of its own) to a fake
 * upstream that keeps nothing.
 */
class LiveStreamMemoryTest {
    private static final int STREAMS = 48;
    private static final int PROMPT_BYTES = 512 * 1024;

    @RegisterExtension
    static final KeywayExtension keyway = KeywayExtension.standard();

    private final FakeUpstream openRouter = keyway.openRouter();
    private final Gateway gateway = keyway.gateway();
    private final String key = keyway.gatewayKey();

    @Test
    void liveStreamsKeepNoneOfTheirPromptsOnOrOffTheHeap() throws Exception {
        openRouter.recordNothing();
        openRouter.answer("chat/completions", FakeUpstream.streamThenSilence(
                "data: {\"choices\":[{\"delta\":{\"content\":\"hi\"}}]}\n\n", Duration.ofSeconds(30)));
        String body = "{\"model\":\"openrouter-a/b\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\""
                + "x".repeat(PROMPT_BYTES) + "\"}]}";
        List<Socket> open = new ArrayList<>();
        try {
            // One stream first, so that what the first request makes once (caches, buffers) is in the baseline.
            open.add(streamToItsFirstEvent(body));
            long before = heapUsedAfterCollections();
            long directBefore = nettyDirectMemory();
            for (int i = 1; i < STREAMS; i++) {
                open.add(streamToItsFirstEvent(body));
            }
            long grown = heapUsedAfterCollections() - before;
            long directGrown = nettyDirectMemory() - directBefore;

            long prompts = (long) (STREAMS - 1) * body.length();
            assertTrue(grown < prompts / 4, (STREAMS - 1) + " more live streams grew the heap by " + grown / 1024
                    + " KB: their prompts are " + prompts / 1024 + " KB, and a stream should keep none of it");
            assertTrue(directGrown < prompts / 4, (STREAMS - 1) + " more live streams grew Netty's buffers by "
                    + directGrown / 1024 + " KB: their prompts are " + prompts / 1024 + " KB, and a stream should keep none of it");
        } finally {
            for (Socket stream : open) {
                stream.close();
            }
        }
    }

    /** A stream sent over its own connection, read up to the end of its first event, and left open. */
    private Socket streamToItsFirstEvent(String body) throws IOException {
        Socket socket = gateway.postAndKeepOpen(key, body);
        String seen = Gateway.readToFirstEvent(socket, Duration.ofSeconds(30));
        assertTrue(seen.contains("data: ") && seen.endsWith("\n\n"), "the stream ended before its first event: " + seen);
        assertTrue(seen.startsWith("HTTP/1.1 200"), seen);
        return socket;
    }

    /** The memory Netty's allocator holds for buffers off the heap, where the gateway's connections read and write. */
    private static long nettyDirectMemory() {
        return ((ByteBufAllocatorMetricProvider) ByteBufAllocator.DEFAULT).metric().usedDirectMemory();
    }

    private static long heapUsedAfterCollections() throws InterruptedException {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
            used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return used;
    }
}
