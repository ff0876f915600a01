package io.keyway.http;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** A bare Micronaut server with {@link CanaryController} only, and a raw socket client that sees every byte. */
final class FrameworkProbe implements AutoCloseable {
    private final EmbeddedServer server;

    FrameworkProbe() {
        server = ApplicationContext.run(EmbeddedServer.class, Map.of("micronaut.server.port", -1), "framework-canary");
    }

    /** Sends a GET and closes the connection at once, without reading the answer. */
    void sendAndLeave(String path) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", server.getPort())) {
            socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
        }
    }

    /** Sends a GET and reads until the server closes or breaks the connection: everything that arrived. */
    String readAll(String path) {
        StringBuilder read = new StringBuilder();
        try (Socket socket = new Socket("127.0.0.1", server.getPort())) {
            socket.setSoTimeout(5000);
            socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[4096];
            int n;
            while ((n = in.read(buffer)) > 0) {
                read.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
            }
        } catch (IOException brokenTransfer) {
            // what a cut stream looks like from here: keep what arrived
        }
        return read.toString();
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (RuntimeException e) {
            throw new UncheckedIOException(new IOException("the probe server did not stop", e));
        }
    }
}
