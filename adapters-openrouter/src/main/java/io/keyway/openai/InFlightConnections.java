package io.keyway.openai;

import io.micronaut.http.client.netty.NettyClientCustomizer;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequest;

import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Knows which pooled connection carries each call in flight, so that the connection of an abandoned call can be
 * closed.
 *
 * <p>Why: Micronaut's HTTP client (4.10) answers a cancelled response body by draining the rest of it, to keep the
 * connection for reuse (micronaut-core issue #2913; fixed upstream by pull request #13261, which closes the
 * connection once a discarded body passes 64 KiB or 5 s). For an event stream whose reader has gone, the upstream
 * would keep generating, and billing, to the end. {@code MicronautDrainsCancelledBodiesCanaryTest} fails once the
 * client Keyway builds on closes such a connection by itself: then this class, the tag header and the customizer
 * argument of {@link UpstreamConnections} can go.
 *
 * <p>How: each request carries a private tag header, which a handler on the connection removes before the request is
 * written, recording the channel in the call. The table holds only calls that are open, each added once and removed
 * once (when it finishes or is abandoned), so every operation costs a constant and nothing outlives its call.
 * Abandoning a call closes its channel; a call abandoned before its request was written is no longer in the table when
 * the handler looks for it, so its request is failed and its connection closed instead of being sent.
 */
final class InFlightConnections implements NettyClientCustomizer {
    private static final RecvByteBufAllocator SMALL_FIRST_READ = new AdaptiveRecvByteBufAllocator(64, 512, 65_536);
    static final String TAG_HEADER = "x-keyway-call";
    private static final String HANDLER = "keyway-call-tags";

    private final Map<String, Call> open = new ConcurrentHashMap<>();
    private final AtomicLong sequence = new AtomicLong();

    /** One call to an upstream: the tag its request carries, and the connection that carries it once written. */
    final class Call {
        private final String tag;
        private volatile Channel channel;
        private volatile boolean abandoned;

        private Call(String tag) {
            this.tag = tag;
        }

        String tag() {
            return tag;
        }

        /**
         * Closes the connection that carries the call, or keeps its request from being sent. Does nothing once the
         * call has finished (its connection may carry another call by then) or was already abandoned.
         */
        void abandon() {
            if (!open.remove(tag, this)) {
                return;
            }
            abandoned = true;
            Channel carrier = channel;
            if (carrier != null) {
                carrier.close();
            }
        }

        /** The call ended; its connection, if still open, goes back to the pool. An abandoned call stays so. */
        void finish() {
            open.remove(tag, this);
        }

        /** Called on the connection's event loop as the request is written; false when the call was abandoned. */
        private boolean carriedBy(Channel carrier) {
            channel = carrier;
            // Read after the write above: either abandon() sees the channel, or this sees the flag.
            return !abandoned;
        }
    }

    /** A new call, open until it is finished or abandoned. */
    Call open() {
        Call call = new Call(Long.toString(sequence.incrementAndGet(), Character.MAX_RADIX));
        open.put(call.tag(), call);
        return call;
    }

    /** Calls open right now. */
    int inFlight() {
        return open.size();
    }

    @Override
    public NettyClientCustomizer specializeForChannel(Channel channel, ChannelRole role) {
        if (role != ChannelRole.CONNECTION) {
            return this;
        }
        // A first read buffer of 512 bytes, not 2 KB: under io_uring each idle connection keeps a read posted with its
        // buffer attached (the server's ReadBuffers says more). It grows as reads fill it.
        channel.config().setRecvByteBufAllocator(SMALL_FIRST_READ);
        return new Connection(channel);
    }

    private final class Connection implements NettyClientCustomizer {
        private final Channel channel;

        private Connection(Channel channel) {
            this.channel = channel;
        }

        @Override
        public NettyClientCustomizer specializeForChannel(Channel channel, ChannelRole role) {
            return InFlightConnections.this.specializeForChannel(channel, role);
        }

        @Override
        public void onStreamPipelineBuilt() {
            if (channel.pipeline().get(HANDLER) == null) {
                channel.pipeline().addLast(HANDLER, new Tagger());
            }
        }
    }

    private final class Tagger extends ChannelOutboundHandlerAdapter {
        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
            if (msg instanceof HttpRequest request) {
                String tag = request.headers().get(TAG_HEADER);
                if (tag != null) {
                    request.headers().remove(TAG_HEADER);
                    Call call = open.get(tag);
                    if (call == null || !call.carriedBy(ctx.channel())) {
                        promise.setFailure(new CancellationException("call abandoned before it was sent"));
                        ctx.channel().close();
                        return;
                    }
                }
            }
            super.write(ctx, msg, promise);
        }
    }
}
