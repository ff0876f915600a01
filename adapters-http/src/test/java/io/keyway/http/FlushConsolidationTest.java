package io.keyway.http;

import io.micronaut.http.server.netty.NettyServerCustomizer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * What reaches a client connection's socket when a relayed answer's parts are flushed from outside the connection's
 * own read (as they are: they come from the upstream's connection): with consolidation, one flush of all of them once
 * the loop's turn ends, another connection's read begins or another connection flushes; without, one per part. The recorder stands where the
 * socket is, behind the consolidating handler.
 */
class FlushConsolidationTest {
    /** Records, at the socket's end of the pipeline, each flush and what had been written before it. */
    private static final class Socket extends ChannelOutboundHandlerAdapter {
        final List<String> flushes = new ArrayList<>();
        private final StringBuilder pending = new StringBuilder();

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            ByteBuf buf = (ByteBuf) msg;
            pending.append(buf.toString(StandardCharsets.US_ASCII));
            buf.release();
            promise.setSuccess();
        }

        @Override
        public void flush(ChannelHandlerContext ctx) {
            if (!pending.isEmpty()) {
                flushes.add(pending.toString());
                pending.setLength(0);
            }
        }
    }

    private static EmbeddedChannel connection(boolean enabled, Socket socket) {
        EmbeddedChannel channel = new EmbeddedChannel();
        List<NettyServerCustomizer> registered = new ArrayList<>();
        new FlushConsolidation(enabled).install(registered::add);
        for (NettyServerCustomizer customizer : registered) {
            NettyServerCustomizer forChannel = customizer.specializeForChannel(channel, NettyServerCustomizer.ChannelRole.CONNECTION);
            forChannel.onInitialPipelineBuilt();
            forChannel.onStreamPipelineBuilt();
        }
        channel.pipeline().addFirst("socket", socket);
        return channel;
    }

    private static void relay(EmbeddedChannel channel, String... parts) {
        for (String part : parts) {
            channel.pipeline().writeAndFlush(Unpooled.copiedBuffer(part, StandardCharsets.US_ASCII));
        }
    }

    @Test
    void aStreamsLastEventsAndItsEndFlushedOneByOneGoOutAsOneWriteAfterTheTurn() {
        Socket socket = new Socket();
        EmbeddedChannel channel = connection(true, socket);
        assertEquals(FlushConsolidation.HANDLER, channel.pipeline().names().get(1), "first in the pipeline, next to the socket");
        relay(channel, "HTTP/1.1 200 OK\r\n\r\n", "5\r\ndata:\r\n", "0\r\n\r\n");
        assertEquals(List.of(), socket.flushes, "nothing goes out while the loop's turn is under way");
        channel.runPendingTasks();
        assertEquals(List.of("HTTP/1.1 200 OK\r\n\r\n5\r\ndata:\r\n0\r\n\r\n"), socket.flushes);
        channel.finishAndReleaseAll();
    }

    @Test
    void flushesDuringTheConnectionsOwnReadGoOutWhenTheReadCompletes() {
        Socket socket = new Socket();
        EmbeddedChannel channel = connection(true, socket);
        channel.pipeline().fireChannelRead(Unpooled.EMPTY_BUFFER);
        relay(channel, "a", "b");
        assertEquals(List.of(), socket.flushes);
        channel.pipeline().fireChannelReadComplete();
        assertEquals(List.of("ab"), socket.flushes, "at the read's end, without waiting for the turn's end");
        channel.finishAndReleaseAll();
    }

    @Test
    void anotherConnectionsReadReleasesWhatThisOneHeldBeforeItsWorkBegins() {
        Socket socket = new Socket();
        EmbeddedChannel channel = connection(true, socket);
        Socket otherSocket = new Socket();
        EmbeddedChannel other = connection(true, otherSocket);
        relay(channel, "data: 1\n\n");
        List<List<String>> seenByTheOthersRead = new ArrayList<>();
        other.pipeline().addLast(new io.netty.channel.ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                seenByTheOthersRead.add(List.copyOf(socket.flushes));
            }
        });
        other.pipeline().fireChannelRead(Unpooled.EMPTY_BUFFER);
        assertEquals(List.of(List.of("data: 1\n\n")), seenByTheOthersRead, "out before the other request's work");
        other.pipeline().fireChannelReadComplete();
        channel.runPendingTasks();
        assertEquals(List.of("data: 1\n\n"), socket.flushes, "and only once");
        channel.finishAndReleaseAll();
        other.finishAndReleaseAll();
    }

    @Test
    void anotherConnectionsFlushReleasesWhatThisOneHeld() {
        Socket socket = new Socket();
        EmbeddedChannel channel = connection(true, socket);
        Socket otherSocket = new Socket();
        EmbeddedChannel other = connection(true, otherSocket);
        relay(channel, "data: 1\n\n", "0\r\n\r\n");
        relay(other, "data: 2\n\n");
        assertEquals(List.of("data: 1\n\n0\r\n\r\n"), socket.flushes, "released, both parts at once");
        assertEquals(List.of(), otherSocket.flushes, "the other holds its own now");
        other.runPendingTasks();
        channel.runPendingTasks();
        assertEquals(List.of("data: 2\n\n"), otherSocket.flushes);
        assertEquals(1, socket.flushes.size());
        channel.finishAndReleaseAll();
        other.finishAndReleaseAll();
    }

    @Test
    void aCloseFlushesWhatWasHeld() {
        Socket socket = new Socket();
        EmbeddedChannel channel = connection(true, socket);
        relay(channel, "data: [DONE]\n\n");
        channel.close();
        assertEquals(List.of("data: [DONE]\n\n"), socket.flushes);
    }

    @Test
    void turnedOffEachFlushGoesOutAtOnce() {
        Socket socket = new Socket();
        EmbeddedChannel channel = connection(false, socket);
        assertNull(channel.pipeline().get(FlushConsolidation.HANDLER));
        relay(channel, "a", "b");
        assertEquals(List.of("a", "b"), socket.flushes);
        channel.finishAndReleaseAll();
    }
}
