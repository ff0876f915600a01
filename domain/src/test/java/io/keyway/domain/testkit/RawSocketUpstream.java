package io.keyway.domain.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An upstream on a bare socket, for what an HTTP server library will not do on purpose: reset a connection (TCP RST)
 * before answering or in the middle of a stream. Connection n is handled by script n; the last script repeats.
 */
public final class RawSocketUpstream implements AutoCloseable {
    @FunctionalInterface
    public interface Script {
        void run(Socket socket, OutputStream out) throws IOException, InterruptedException;
    }

    private final ServerSocket server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final AtomicInteger connections = new AtomicInteger();
    private final List<Script> scripts;

    private RawSocketUpstream(ServerSocket server, List<Script> scripts) {
        this.server = server;
        this.scripts = scripts;
    }

    public static RawSocketUpstream start(Script... scripts) {
        try {
            RawSocketUpstream upstream = new RawSocketUpstream(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()), List.of(scripts));
            upstream.executor.submit(upstream::acceptLoop);
            return upstream;
        } catch (IOException e) {
            throw new IllegalStateException("cannot bind a raw socket upstream", e);
        }
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.getLocalPort() + "/api/v1";
    }

    public int connections() {
        return connections.get();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                int index = connections.getAndIncrement();
                Script script = scripts.get(Math.min(index, scripts.size() - 1));
                executor.submit(() -> serve(socket, script));
            } catch (IOException closed) {
                return;
            }
        }
    }

    private static void serve(Socket socket, Script script) {
        try (socket) {
            readRequest(socket.getInputStream());
            script.run(socket, socket.getOutputStream());
        } catch (IOException | InterruptedException ignored) {
            // the peer went away or the test ended
        }
    }

    private static void readRequest(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                return;
            }
            head.write(b);
            matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        long length = 0;
        for (String line : head.toString(StandardCharsets.ISO_8859_1).split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                length = Long.parseLong(line.substring(15).trim());
            }
        }
        in.readNBytes((int) length);
    }

    /**
     * Answers nothing and watches the connection: when the caller closes it, the time (System.nanoTime) is added to
     * {@code closedAt}. Gives up after ten seconds.
     */
    public static Script silentUntilClosed(List<Long> closedAt) {
        return beginThenSilentUntilClosed(null, closedAt);
    }

    /**
     * Answers 200 with the first half of {@code json} (announcing all of it), then sends nothing more and records
     * when the other side closes the connection (up to 10 s).
     */
    public static Script halfAnswerThenSilentUntilClosed(String json, List<Long> closedAt) {
        return beginThenSilentUntilClosed(json, closedAt);
    }

    /**
     * Answers 200 with the status line and headers of {@code json} (announcing all of it) and no byte of its body,
     * then records when the other side closes the connection (up to 10 s).
     */
    public static Script headersThenSilentUntilClosed(String json, List<Long> closedAt) {
        return beginThenSilentUntilClosed(json, 0, closedAt);
    }

    private static Script beginThenSilentUntilClosed(String json, List<Long> closedAt) {
        return beginThenSilentUntilClosed(json, json == null ? 0 : json.getBytes(StandardCharsets.UTF_8).length / 2, closedAt);
    }

    private static Script beginThenSilentUntilClosed(String json, int sent, List<Long> closedAt) {
        return (socket, out) -> {
            if (json != null) {
                byte[] body = json.getBytes(StandardCharsets.UTF_8);
                out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1));
                out.write(body, 0, sent);
                out.flush();
            }
            socket.setSoTimeout(50);
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
            while (System.nanoTime() < deadline) {
                try {
                    if (socket.getInputStream().read() < 0) {
                        closedAt.add(System.nanoTime());
                        return;
                    }
                } catch (java.net.SocketTimeoutException stillOpen) {
                    // keep watching
                } catch (IOException reset) {
                    closedAt.add(System.nanoTime());
                    return;
                }
            }
        };
    }

    /** Resets the connection without answering. */
    public static Script resetBeforeAnswer() {
        return (socket, out) -> reset(socket);
    }

    /** Answers a whole JSON body. */
    public static Script answer(int status, String json) {
        return (socket, out) -> {
            byte[] body = json.getBytes(StandardCharsets.UTF_8);
            out.write(("HTTP/1.1 " + status + " X\r\nContent-Type: application/json\r\nContent-Length: " + body.length
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.write(body);
            out.flush();
        };
    }

    /** Starts an event stream, sends the chunks 50 ms apart, then resets the connection. */
    public static Script streamThenReset(List<String> chunks) {
        return (socket, out) -> {
            out.write("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
                    .getBytes(StandardCharsets.ISO_8859_1));
            for (String chunk : chunks) {
                byte[] bytes = chunk.getBytes(StandardCharsets.UTF_8);
                out.write((Integer.toHexString(bytes.length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                out.write(bytes);
                out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                Thread.sleep(50);
            }
            reset(socket);
        };
    }

    private static void reset(Socket socket) throws IOException {
        socket.setSoLinger(true, 0);
        socket.close();
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        executor.shutdownNow();
    }
}
