package io.keyway.openrouter;

import io.micronaut.http.client.netty.NettyClientCustomizer;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequest;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Knows which pooled connection carries each call in flight, so that the connection of an abandoned call can be
 * closed.
 *
 * <p>Why: Micronaut's HTTP client (4.10) answers a cancelled response body by draining the rest of it, to keep the
 * connection for reuse. For an event stream whose reader has gone, the upstream would keep generating, and billing,
 * to the end. Each request carries a private tag header, which a handler on the connection removes before the request
 * is written and records against its channel; abandoning the call closes that channel, which is how the upstream
 * learns the request was cancelled. Calls that end normally leave their connection in the pool.
 */
final class InFlightConnections implements NettyClientCustomizer {
    static final String TAG_HEADER = "x-keyway-call";
    private static final String HANDLER = "keyway-call-tags";

    private final Map<String, Channel> byCall = new ConcurrentHashMap<>();
    /**
     * Calls abandoned before their request was written, with when: their connection is closed as soon as it is known.
     * Entries of requests that were never written are dropped after a minute.
     */
    private final Map<String, Long> abandonedEarly = new ConcurrentHashMap<>();

    String newTag() {
        return UUID.randomUUID().toString();
    }

    /** Closes the connection that carries the call, if it is still in flight. */
    void abandon(String tag) {
        Channel channel = byCall.remove(tag);
        if (channel != null) {
            channel.close();
        } else {
            long now = System.nanoTime();
            abandonedEarly.values().removeIf(since -> now - since > TimeUnit.MINUTES.toNanos(1));
            abandonedEarly.put(tag, now);
        }
    }

    /** Forgets a call that ended; its connection, if still open, goes back to the pool. An abandoned call stays so. */
    void finished(String tag) {
        byCall.remove(tag);
    }

    int inFlight() {
        return byCall.size() + abandonedEarly.size();
    }

    @Override
    public NettyClientCustomizer specializeForChannel(Channel channel, ChannelRole role) {
        return role == ChannelRole.CONNECTION ? new Connection(channel) : this;
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
                    if (abandonedEarly.remove(tag) != null) {
                        promise.setFailure(new java.util.concurrent.CancellationException("call abandoned before it was sent"));
                        ctx.channel().close();
                        return;
                    }
                    byCall.put(tag, ctx.channel());
                    ctx.channel().closeFuture().addListener(closed -> byCall.remove(tag, ctx.channel()));
                }
            }
            super.write(ctx, msg, promise);
        }
    }
}
