package io.keyway.http;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.server.netty.NettyHttpRequest;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

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
    private static final Logger LOG = LoggerFactory.getLogger(ClientDisconnects.class);

    private ClientDisconnects() {
    }

    /** {@code response}, cancelled if the request's connection closes before it is produced. */
    static Mono<HttpResponse<?>> giveUpWhenGone(HttpRequest<?> request, String requestId, Mono<HttpResponse<?>> response) {
        if (!(request instanceof NettyHttpRequest<?> netty)) {
            return response;
        }
        Channel channel = netty.getChannelHandlerContext().channel();
        Mono<Void> clientGone = Mono.create(sink -> {
            ChannelFutureListener listener = closed -> {
                LOG.info("request_id={} client went away before the answer; cancelling the upstream request", requestId);
                sink.success();
            };
            channel.closeFuture().addListener(listener);
            sink.onDispose(() -> channel.closeFuture().removeListener(listener));
        });
        return response.takeUntilOther(clientGone);
    }
}
