package io.keyway.http;

import io.micronaut.context.event.BeanCreatedEvent;
import io.micronaut.context.event.BeanCreatedEventListener;
import io.micronaut.http.server.netty.NettyServerCustomizer;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.RecvByteBufAllocator;
import jakarta.inject.Singleton;

import java.util.EnumSet;

/**
 * The first read buffer of each client connection is 512 bytes, not Netty's 2 KB; it grows as reads fill it (a large
 * body) and shrinks as they do not. Under io_uring every connection keeps a read posted with its buffer attached,
 * and a live stream's client connection reads once (its request) and then waits out the whole stream: at 1,000 live
 * streams those buffers were a few MB of the gateway's resident memory (BENCHMARKS.md, #22). The upstream
 * connections do the same ({@code InFlightConnections}).
 */
@Singleton
final class ReadBuffers implements BeanCreatedEventListener<NettyServerCustomizer.Registry> {
    /** Shared: the allocator holds only its sizes, each connection gets a handle of its own. */
    static final RecvByteBufAllocator SMALL_FIRST = new AdaptiveRecvByteBufAllocator(64, 512, 65_536);

    @Override
    public NettyServerCustomizer.Registry onCreated(BeanCreatedEvent<NettyServerCustomizer.Registry> event) {
        NettyServerCustomizer.Registry registry = event.getBean();
        ServerChannelHooks.register(registry, EnumSet.of(NettyServerCustomizer.ChannelRole.CONNECTION),
                channel -> channel.config().setRecvByteBufAllocator(SMALL_FIRST), channel -> { });
        return registry;
    }
}
