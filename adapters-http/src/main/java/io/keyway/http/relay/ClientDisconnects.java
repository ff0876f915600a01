package io.keyway.http.relay;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.server.netty.NettyHttpRequest;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;

import java.util.concurrent.CompletableFuture;

/**
 * Gives a pending response up when its client's connection closes first.
 *
 * <p>Why: Micronaut's server (4.10) does not cancel a controller's pending response publisher when the client goes
 * away before the response starts (micronaut-core issue #8140; the server change split from pull request #13261 is
 * #13273), so the call upstream would run, and bill, to its end. {@code MicronautKeepsAbandonedResponsesCanaryTest}
 * fails once the server cancels by itself: then this class can go, and {@code ResilienceTest}'s
 * "client gives up on a whole answer" test must stay green without it.
 */
final class ClientDisconnects {
    private ClientDisconnects() {
    }

    /**
     * Runs {@code giveUp} if the request's connection closes before {@code response} is complete. (Cancelling the
     * future instead would make the server log the cancellation as an unexpected error, with its stack trace.)
     */
    static void giveUpWhenGone(HttpRequest<?> request, CompletableFuture<?> response, Runnable giveUp) {
        if (!(request instanceof NettyHttpRequest<?> netty) || response.isDone()) {
            return;
        }
        ChannelFuture closed = netty.getChannelHandlerContext().channel().closeFuture();
        ChannelFutureListener listener = close -> {
            if (!response.isDone()) {
                giveUp.run();
            }
        };
        closed.addListener(listener);
        response.whenComplete((made, failure) -> closed.removeListener(listener));
    }
}
