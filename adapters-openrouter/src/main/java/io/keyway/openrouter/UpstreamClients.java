package io.keyway.openrouter;

import io.keyway.domain.port.CompletionProvider;
import io.micronaut.json.JsonMapper;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Connects {@link CompletionProvider}s to OpenAI-compatible upstreams and closes their HTTP clients at shutdown. */
@Singleton
public class UpstreamClients {
    private final JsonMapper json;
    private final List<UpstreamConnections> connections = new CopyOnWriteArrayList<>();

    UpstreamClients(JsonMapper json) {
        this.json = json;
    }

    public CompletionProvider connect(UpstreamSettings settings) {
        UpstreamConnections upstream = new UpstreamConnections(settings);
        connections.add(upstream);
        return provider(settings, upstream, json);
    }

    /** The provider for an upstream whose connections are already made. */
    static OpenAiCompatibleUpstream provider(UpstreamSettings settings, UpstreamConnections connections, JsonMapper json) {
        UpstreamExchanges exchanges = new UpstreamExchanges(connections);
        return new OpenAiCompatibleUpstream(settings, exchanges, new UpstreamCatalogue(settings, exchanges, json, Clock.systemUTC()));
    }

    @PreDestroy
    void close() {
        connections.forEach(UpstreamConnections::close);
    }
}
