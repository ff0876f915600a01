package io.keyway.openrouter;

import io.micronaut.http.client.DefaultHttpClientConfiguration;
import io.micronaut.http.client.RawHttpClient;

import java.io.IOException;
import java.time.Duration;

/**
 * The HTTP clients of one upstream: a pooled client for answers read whole, and a client of its own for each stream.
 *
 * <p>Why a client per stream: Micronaut's HTTP client (4.10) answers a cancelled response body by draining the rest
 * of it to keep the connection for reuse. For an event stream whose reader has gone, that means the upstream keeps
 * generating, and billing, to the end. Closing the stream's own client closes its connection at once, which is how
 * the upstream learns the request was abandoned. The price is one connection set-up per stream.
 */
final class UpstreamConnections {
    private final UpstreamSettings settings;
    private final RawHttpClient shared;

    UpstreamConnections(UpstreamSettings settings) {
        this.settings = settings;
        this.shared = RawHttpClient.create(settings.baseUrl(), configuration(false));
    }

    RawHttpClient shared() {
        return shared;
    }

    /** A client for one stream only; the caller closes it when the stream ends, fails or is cancelled. */
    RawHttpClient dedicated() {
        return RawHttpClient.create(settings.baseUrl(), configuration(true));
    }

    private DefaultHttpClientConfiguration configuration(boolean dedicated) {
        DefaultHttpClientConfiguration configuration = new DefaultHttpClientConfiguration();
        configuration.setConnectTimeout(settings.timeouts().connect());
        // Keyway's own timers (first byte, idle, total) govern; the client's must never cut a long stream first.
        configuration.setReadTimeout(Duration.ofDays(1));
        configuration.setReadIdleTimeout(Duration.ofDays(1));
        configuration.setMaxContentLength(Integer.MAX_VALUE);
        configuration.setFollowRedirects(false);
        if (dedicated) {
            configuration.setNumOfThreads(1);
            configuration.getConnectionPoolConfiguration().setEnabled(false);
        }
        return configuration;
    }

    static void close(RawHttpClient client) {
        try {
            client.close();
        } catch (IOException ignored) {
            // the connection is gone either way
        }
    }

    void close() {
        close(shared);
    }
}
