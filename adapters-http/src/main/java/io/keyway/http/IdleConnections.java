package io.keyway.http;

import io.micronaut.context.event.BeanCreatedEvent;
import io.micronaut.context.event.BeanCreatedEventListener;
import io.micronaut.http.netty.channel.ChannelPipelineCustomizer;
import io.micronaut.http.server.netty.NettyServerCustomizer;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.ScheduledFuture;
import jakarta.inject.Singleton;

import java.util.EnumSet;
import java.util.concurrent.TimeUnit;

/**
 * The server's idle timeout ({@code micronaut.server.idle-timeout}, 5 minutes unless configured) at no cost per write.
 * Micronaut guards each connection with Netty's {@link IdleStateHandler}, which counts a write only once it completes
 * and so puts a promise and a listener on every write: on a stream, every event. Micronaut acts on one of its events
 * alone, all-idle (the connection closes). This guard takes its place in the pipeline with the same timeout: a read or
 * a write marks the connection busy (a field set, nothing allocated), and a check four times per timeout sends
 * Micronaut the same all-idle event once four checks in a row found it quiet. A quiet connection therefore closes
 * between one and one and a quarter timeouts after its last byte either way, where Netty's closed it at one.
 */
@Singleton
final class IdleConnections implements BeanCreatedEventListener<NettyServerCustomizer.Registry> {
    static final int CHECKS_PER_TIMEOUT = 4;

    @Override
    public NettyServerCustomizer.Registry onCreated(BeanCreatedEvent<NettyServerCustomizer.Registry> event) {
        NettyServerCustomizer.Registry registry = event.getBean();
        ServerChannelHooks.register(registry, EnumSet.of(NettyServerCustomizer.ChannelRole.CONNECTION),
                channel -> replace(channel.pipeline()), channel -> replace(channel.pipeline()));
        return registry;
    }

    /** Puts a guard in place of Micronaut's {@link IdleStateHandler}, with its all-idle timeout, if it is there. */
    static void replace(ChannelPipeline pipeline) {
        ChannelHandler handler = pipeline.get(ChannelPipelineCustomizer.HANDLER_IDLE_STATE);
        if (handler instanceof IdleStateHandler netty && netty.getAllIdleTimeInMillis() > 0) {
            pipeline.replace(ChannelPipelineCustomizer.HANDLER_IDLE_STATE, ChannelPipelineCustomizer.HANDLER_IDLE_STATE,
                    new Guard(netty.getAllIdleTimeInMillis()));
        }
    }

    /** One connection's guard. Every method runs on the connection's event loop. */
    static final class Guard extends ChannelDuplexHandler {
        private final long checkEveryMillis;
        private boolean busy;
        private int quietChecks;
        private ScheduledFuture<?> check;

        Guard(long timeoutMillis) {
            this.checkEveryMillis = Math.max(1, timeoutMillis / CHECKS_PER_TIMEOUT);
        }

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            if (ctx.channel().isActive() && ctx.channel().isRegistered()) {
                start(ctx);
            }
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) throws Exception {
            start(ctx);
            super.channelActive(ctx);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            busy = true;
            ctx.fireChannelRead(msg);
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            busy = true;
            ctx.write(msg, promise);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            stop();
            super.channelInactive(ctx);
        }

        @Override
        public void handlerRemoved(ChannelHandlerContext ctx) {
            stop();
        }

        private void start(ChannelHandlerContext ctx) {
            if (check == null) {
                busy = true;
                check = ctx.executor().scheduleAtFixedRate(() -> check(ctx), checkEveryMillis, checkEveryMillis, TimeUnit.MILLISECONDS);
            }
        }

        private void check(ChannelHandlerContext ctx) {
            if (busy) {
                busy = false;
                quietChecks = 0;
            } else if (++quietChecks >= CHECKS_PER_TIMEOUT) {
                quietChecks = 0;
                ctx.fireUserEventTriggered(IdleStateEvent.ALL_IDLE_STATE_EVENT);
            }
        }

        private void stop() {
            if (check != null) {
                check.cancel(false);
                check = null;
            }
        }
    }
}
