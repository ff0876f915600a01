package io.keyway.bootstrap;

import io.micronaut.context.ApplicationContext;
import io.micronaut.http.netty.channel.DefaultEventLoopGroupConfiguration;
import io.micronaut.http.netty.channel.EventLoopGroupConfiguration;
import io.micronaut.http.netty.channel.EventLoopGroupFactory;
import io.micronaut.http.netty.channel.EventLoopGroupRegistry;
import io.micronaut.http.netty.channel.NettyChannelType;

/**
 * The network transport Keyway's event loops use: the first of {@code keyway.server.transport} (default
 * {@code io_uring,epoll,nio}) that this machine offers. The server, its acceptor and the upstream connections use the
 * same one. io_uring needs Linux 5.x and a process allowed to use it (Docker's default seccomp profile refuses it, so a
 * container falls back to epoll); Netty's native files for both ship in the jar for Linux x86-64 only, and NIO works
 * everywhere. Under 1,000 live streams io_uring took about a quarter less CPU per relayed event than NIO (BENCHMARKS.md,
 * issue #22): it hands the kernel a turn's reads and writes in one system call, where NIO makes one call for each.
 */
final class Transports {
    private Transports() {
    }

    /** {@code io_uring}, {@code epoll}, {@code kqueue} or {@code nio}: what the running context's event loops use. */
    static String inUse(ApplicationContext context) {
        EventLoopGroupConfiguration configuration = context.getBean(EventLoopGroupRegistry.class)
                .getEventLoopGroupConfiguration(EventLoopGroupConfiguration.DEFAULT)
                .orElseGet(DefaultEventLoopGroupConfiguration::new);
        String channel = context.getBean(EventLoopGroupFactory.class).channelClass(NettyChannelType.SERVER_SOCKET, configuration).getSimpleName();
        if (channel.startsWith("IoUring")) {
            return "io_uring";
        }
        if (channel.startsWith("Epoll")) {
            return "epoll";
        }
        return channel.startsWith("KQueue") ? "kqueue" : "nio";
    }
}
