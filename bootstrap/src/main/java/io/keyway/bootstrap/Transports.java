package io.keyway.bootstrap;

import io.micronaut.context.ApplicationContext;
import io.micronaut.http.netty.channel.DefaultEventLoopGroupConfiguration;
import io.micronaut.http.netty.channel.EventLoopGroupConfiguration;
import io.micronaut.http.netty.channel.EventLoopGroupFactory;
import io.micronaut.http.netty.channel.EventLoopGroupRegistry;
import io.micronaut.http.netty.channel.NettyChannelType;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The network transport Keyway's event loops use: the first of {@code keyway.server.transport} (default
 * {@code io_uring,epoll,nio}) that this machine offers. The server, its acceptor and the upstream connections use the
 * same one. io_uring needs Linux 5.x and a process allowed to use it (Docker's default seccomp profile refuses it, so a
 * container falls back to epoll); Netty's native files for both ship in the jar for Linux x86-64 only, and NIO works
 * everywhere. Under 1,000 live streams io_uring took about a quarter less CPU per relayed event than NIO (BENCHMARKS.md,
 * issue #22): it hands the kernel a turn's reads and writes in one system call, where NIO makes one call for each.
 */
final class Transports {
    /** The transports Micronaut knows, by the names {@code keyway.server.transport} lists them in, best first. */
    private static final List<String> KNOWN = List.of("io_uring", "epoll", "kqueue", "nio");
    /**
     * Netty's class that says whether a native transport works here, by its name (NIO needs none). Named, not imported:
     * their jars are on the runtime class path only, and kqueue's not at all.
     */
    private static final Map<String, String> NATIVE = Map.of("io_uring", "io.netty.channel.uring.IoUring",
            "epoll", "io.netty.channel.epoll.Epoll", "kqueue", "io.netty.channel.kqueue.KQueue");

    private Transports() {
    }

    /** What is wrong with a {@code keyway.server.transport} value (a list, or names separated by commas), if anything. */
    static Optional<String> problem(String property, Object value) {
        List<String> named = value instanceof List<?> list ? list.stream().map(String::valueOf).map(String::trim).toList()
                : Arrays.stream(String.valueOf(value).split(",")).map(String::trim).toList();
        if (named.isEmpty() || !KNOWN.containsAll(named)) {
            return Optional.of(property + " = '" + value + "' is not a list of transports to try in order (known: "
                    + String.join(", ", new TreeSet<>(KNOWN)) + ")");
        }
        if (named.stream().noneMatch(Transports::available)) {
            // Micronaut would find none either, but only once the database is up, and say it in a stack trace.
            return Optional.of(property + " = '" + value + "' names no transport this machine offers (here: "
                    + String.join(", ", KNOWN.stream().filter(Transports::available).toList())
                    + ")");
        }
        return Optional.empty();
    }

    /** Whether the transport of that name works on this machine, as Micronaut's factory for it would find. */
    static boolean available(String transport) {
        String probe = NATIVE.get(transport);
        if (probe == null) {
            return transport.equals("nio");
        }
        try {
            return (Boolean) Class.forName(probe, true, Transports.class.getClassLoader()).getMethod("isAvailable").invoke(null);
        } catch (ReflectiveOperationException | LinkageError absent) {
            return false;
        }
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
