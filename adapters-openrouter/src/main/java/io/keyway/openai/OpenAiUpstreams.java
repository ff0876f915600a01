package io.keyway.openai;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import jakarta.inject.Inject;
import java.util.Optional;

import io.keyway.domain.port.CompletionProvider;
import io.micronaut.http.netty.channel.DefaultEventLoopGroupConfiguration;
import io.micronaut.http.netty.channel.EventLoopGroupConfiguration;
import io.micronaut.http.netty.channel.NettyChannelType;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.SocketChannel;
import io.micronaut.http.netty.channel.EventLoopGroupFactory;
import io.micronaut.http.netty.channel.EventLoopGroupRegistry;
import io.micronaut.json.JsonMapper;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Connects {@link CompletionProvider}s to OpenAI-compatible upstreams and closes their HTTP clients at shutdown. */
@Singleton
public class OpenAiUpstreams {
    private final JsonMapper json;
    private final MeterRegistry meters;
    private final UpstreamConnections.EventLoops loops;
    private final List<UpstreamConnections> connections = new CopyOnWriteArrayList<>();

    /** In an application: the upstream connections share the server's default event loops (see {@link UpstreamConnections}). */
    @Inject
    OpenAiUpstreams(JsonMapper json, Optional<MeterRegistry> meters, EventLoopGroupRegistry loops, EventLoopGroupFactory channels) {
        this(json, meters.orElseGet(SimpleMeterRegistry::new), serverLoops(loops, channels));
    }

    /** Outside an application (a contract test, a tool): the upstream connections get event loops of their own. */
    public OpenAiUpstreams(JsonMapper json, MeterRegistry meters) {
        this(json, meters, null);
    }

    private OpenAiUpstreams(JsonMapper json, MeterRegistry meters, UpstreamConnections.EventLoops loops) {
        this.json = json;
        this.meters = meters;
        this.loops = loops;
    }

    private static UpstreamConnections.EventLoops serverLoops(EventLoopGroupRegistry loops, EventLoopGroupFactory channels) {
        EventLoopGroupConfiguration configuration = loops.getEventLoopGroupConfiguration(EventLoopGroupConfiguration.DEFAULT)
                .orElseGet(DefaultEventLoopGroupConfiguration::new);
        return new UpstreamConnections.EventLoops(loops.getDefaultEventLoopGroup(),
                () -> (SocketChannel) channels.channelInstance(NettyChannelType.CLIENT_SOCKET, configuration),
                () -> (DatagramChannel) channels.channelInstance(NettyChannelType.DATAGRAM_SOCKET, configuration));
    }

    public CompletionProvider connect(UpstreamSettings settings) {
        UpstreamConnections upstream = new UpstreamConnections(settings, loops);
        connections.add(upstream);
        return provider(settings, upstream, json, meters);
    }

    /** The provider for an upstream whose connections are already made, its meters kept apart (tests). */
    static OpenAiUpstream provider(UpstreamSettings settings, UpstreamConnections connections, JsonMapper json) {
        return provider(settings, connections, json, new SimpleMeterRegistry());
    }

    static OpenAiUpstream provider(UpstreamSettings settings, UpstreamConnections connections, JsonMapper json, MeterRegistry meters) {
        UpstreamExchanges exchanges = new UpstreamExchanges(connections);
        return new OpenAiUpstream(settings, exchanges, new UpstreamCatalogue(settings, exchanges, json, Clock.systemUTC()),
                new UpstreamMeters(meters, settings.name()));
    }

    @PreDestroy
    void close() {
        connections.forEach(UpstreamConnections::close);
    }
}
