package io.keyway.http;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.DuplexChannel;

import java.util.concurrent.TimeUnit;

/**
 * Ends a connection whose request body is still arriving after its answer, as nginx's lingering close does: the
 * output is shut (the client reads the answer, then the end), reading goes on, and the connection is closed when the
 * client closes its side or after {@link #LINGER_MILLIS}, whichever comes first. Closing at once with unread bytes
 * makes the kernel send a reset, which can reach the client before the answer does (the JDK's client then saw no
 * answer at all, in one CI run of ResilienceTest's 413). The caller's handler drops what is read meanwhile; the cost of
 * reading it is bounded by that time.
 */
final class LingeringClose {
    static final long LINGER_MILLIS = 1000;

    private LingeringClose() {
    }

    static void of(ChannelHandlerContext ctx) {
        Channel channel = ctx.channel();
        if (!(channel instanceof DuplexChannel duplex) || !channel.isActive()) {
            ctx.close();
            return;
        }
        channel.config().setAutoRead(true);
        duplex.shutdownOutput().addListener(shut -> {
            if (!shut.isSuccess()) {
                ctx.close();
                return;
            }
            ctx.executor().schedule((Runnable) ctx::close, LINGER_MILLIS, TimeUnit.MILLISECONDS);
        });
    }
}
