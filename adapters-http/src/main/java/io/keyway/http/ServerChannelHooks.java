package io.keyway.http;

import io.micronaut.http.server.netty.NettyServerCustomizer;
import io.netty.channel.Channel;

import java.util.Set;
import java.util.function.Consumer;

/**
 * Keyway's handlers in Micronaut's server pipeline ({@link BodyGuard}, {@link IdleConnections}) go in through here: a
 * hook run on each server channel of the given roles when Micronaut has built its initial pipeline (where the
 * connection's own handlers, such as the idle handler, are) and when it has built its stream pipeline (where the
 * request handlers are). HTTP/1 runs both on the connection; HTTP/2 only the first, its streams being channels of
 * their own.
 */
final class ServerChannelHooks {
    private ServerChannelHooks() {
    }

    static void register(NettyServerCustomizer.Registry registry, Set<NettyServerCustomizer.ChannelRole> roles,
                         Consumer<Channel> onInitialPipeline, Consumer<Channel> onStreamPipeline) {
        registry.register(new NettyServerCustomizer() {
            @Override
            public NettyServerCustomizer specializeForChannel(Channel channel, ChannelRole role) {
                if (!roles.contains(role)) {
                    return this;
                }
                return new NettyServerCustomizer() {
                    @Override
                    public void onInitialPipelineBuilt() {
                        onInitialPipeline.accept(channel);
                    }

                    @Override
                    public void onStreamPipelineBuilt() {
                        onStreamPipeline.accept(channel);
                    }
                };
            }
        });
    }
}
