package io.keyway.openrouter;

import io.keyway.domain.port.CompletionProvider;
import io.micronaut.http.client.DefaultHttpClientConfiguration;
import io.micronaut.http.client.RawHttpClient;
import io.micronaut.json.JsonMapper;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Connects {@link CompletionProvider}s to OpenAI-compatible upstreams, one HTTP client each, and closes them at shutdown. */
@Singleton
public class UpstreamClients {
    private final JsonMapper json;
    private final List<RawHttpClient> clients = new CopyOnWriteArrayList<>();

    UpstreamClients(JsonMapper json) {
        this.json = json;
    }

    public CompletionProvider connect(UpstreamSettings settings) {
        DefaultHttpClientConfiguration configuration = new DefaultHttpClientConfiguration();
        configuration.setConnectTimeout(settings.connectTimeout());
        configuration.setReadTimeout(settings.readTimeout());
        configuration.setFollowRedirects(false);
        RawHttpClient client = RawHttpClient.create(settings.baseUrl(), configuration);
        clients.add(client);
        return new OpenAiCompatibleUpstream(settings, client, json, Clock.systemUTC());
    }

    @PreDestroy
    void close() throws IOException {
        for (RawHttpClient client : clients) {
            client.close();
        }
    }
}
