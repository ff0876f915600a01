package io.keyway.openai;

import io.micronaut.core.annotation.AnnotationMetadataResolver;
import io.micronaut.core.convert.ConversionService;
import io.micronaut.core.io.ResourceResolver;
import io.micronaut.http.bind.DefaultRequestBinderRegistry;
import io.micronaut.http.body.MessageBodyHandlerRegistry;
import io.micronaut.http.client.DefaultHttpClientConfiguration;
import io.micronaut.http.codec.MediaTypeCodecRegistry;
import io.micronaut.http.client.LoadBalancer;
import io.micronaut.http.client.RawHttpClient;
import io.micronaut.http.client.filter.DefaultHttpClientFilterResolver;
import io.micronaut.http.client.netty.DefaultHttpClient;
import io.micronaut.http.client.netty.ssl.NettyClientSslBuilder;
import io.micronaut.websocket.context.WebSocketBeanRegistry;
import io.netty.channel.ChannelFactory;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioSocketChannel;

import java.time.Duration;
import java.util.List;

/**
 * The pooled HTTP client of one upstream, built with {@link InFlightConnections} in its pipeline so that an abandoned
 * call's connection can be closed (see there why). Everything else is Micronaut's default client.
 *
 * <p>It calls {@code DefaultHttpClient}'s 20-argument constructor because the builder of micronaut-core pull request
 * #11109 keeps its {@code clientCustomizer} setter package-private in 4.10; {@code MicronautHidesTheCustomizerSetterCanaryTest}
 * fails once it is public, and {@code MicronautDrainsCancelledBodiesCanaryTest} once the customizer is not needed at all.
 *
 * <p>In the gateway its connections live on the server's own event loops ({@link EventLoops}): with the pool's
 * default locality a request made on a server event loop is carried by a connection of that same loop, so a relayed
 * call never changes thread. A client with its own loops (what that constructor builds when given none) cost two
 * thread hops and about three context switches per request, the largest item of issue #7's profile after the cache.
 */
final class UpstreamConnections {
    /**
     * Connections to one upstream at once. Each carries one call in flight, and those are bounded by the clients'
     * connections and the process's open files long before this.
     */
    static final int MAX_CONNECTIONS = 30_000;
    /** Connections being opened to one upstream at once (a burst of new streams). */
    static final int MAX_CONNECTING = 256;
    private final DefaultHttpClient client;
    private final InFlightConnections inFlight = new InFlightConnections();
    private final UpstreamTimers timers;

    /**
     * The event loops the connections run on and the channel types that fit them (the server's transport: io_uring,
     * epoll or NIO); {@code null} for a client with its own (tests that build one without an application).
     */
    record EventLoops(EventLoopGroup group, ChannelFactory<? extends SocketChannel> channels,
                      ChannelFactory<? extends DatagramChannel> datagrams) { }

    UpstreamConnections(UpstreamSettings settings) {
        this(settings, null);
    }

    UpstreamConnections(UpstreamSettings settings, EventLoops loops) {
        EventLoopGroup group = loops == null ? null : loops.group();
        this.timers = new UpstreamTimers(group);
        DefaultHttpClientConfiguration configuration = new DefaultHttpClientConfiguration();
        configuration.setConnectTimeout(settings.timeouts().connect());
        // Keyway's own timers (first byte, idle, total) govern; the client's must never cut a long stream first.
        configuration.setReadTimeout(Duration.ofDays(1));
        configuration.setReadIdleTimeout(Duration.ofDays(1));
        configuration.setMaxContentLength(Integer.MAX_VALUE);
        configuration.setFollowRedirects(false);
        // Micronaut's pool opens at most 1,000 HTTP/1.1 connections to a host and 4 at a time: at 2,000 live streams
        // half of them queued for a connection and first events waited seconds (#22). A relay needs one connection
        // per call in flight.
        configuration.getConnectionPoolConfiguration().setMaxConcurrentHttp1Connections(MAX_CONNECTIONS);
        configuration.getConnectionPoolConfiguration().setMaxPendingConnections(MAX_CONNECTING);
        // The client RawHttpClient.create builds, plus the in-flight customizer.
        this.client = new DefaultHttpClient(LoadBalancer.fixed(settings.baseUrl()), null, configuration, null,
                new DefaultHttpClientFilterResolver(null, AnnotationMetadataResolver.DEFAULT, List.of()), null,
                null, new NettyClientSslBuilder(new ResourceResolver()),
                // Raw exchanges carry bytes both ways: no codec or body handler is ever asked for.
                MediaTypeCodecRegistry.of(), MessageBodyHandlerRegistry.EMPTY, WebSocketBeanRegistry.EMPTY,
                new DefaultRequestBinderRegistry(ConversionService.SHARED), group,
                loops == null ? NioSocketChannel::new : loops.channels(), loops == null ? NioDatagramChannel::new : loops.datagrams(),
                inFlight, null, ConversionService.SHARED, null);
    }

    RawHttpClient client() {
        return client;
    }

    UpstreamTimers timers() {
        return timers;
    }

    InFlightConnections inFlight() {
        return inFlight;
    }

    void close() {
        client.close();
    }
}
