package io.keyway.http;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ResponseFilter;
import io.micronaut.http.annotation.ServerFilter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * Gives every request an id: the client's {@code x-request-id} when it is a sensible token, a fresh one otherwise.
 * The id is returned in the response, forwarded upstream, and written in every log line about the request, ending
 * with one access line per request (with the key id, model and upstream of a routed request).
 */
@ServerFilter(ServerFilter.MATCH_ALL_PATTERN)
final class RequestIds {
    private final GatewayMeters meters;

    RequestIds(GatewayMeters meters) {
        this.meters = meters;
    }

    static final String HEADER = "x-request-id";
    private static final String ID = "keyway.request-id";
    private static final String STARTED = "keyway.request-started";
    private static final String ROUTE = "keyway.request-route";
    private static final String UPSTREAM = "keyway.request-upstream";
    private static final Pattern ACCEPTED = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
    private static final Logger LOG = LoggerFactory.getLogger(RequestIds.class);

    @RequestFilter
    void assign(HttpRequest<?> request) {
        String given = request.getHeaders().get(HEADER);
        request.setAttribute(ID, given != null && ACCEPTED.matcher(given).matches() ? given : fresh());
        request.setAttribute(STARTED, System.nanoTime());
    }

    @ResponseFilter
    void answer(HttpRequest<?> request, MutableHttpResponse<?> response) {
        String id = of(request);
        response.header(HEADER, id);
        long started = request.getAttribute(STARTED, Long.class).orElse(System.nanoTime());
        String route = request.getAttribute(ROUTE, String.class).map(described -> " " + described).orElse("");
        long took = System.nanoTime() - started;
        // Written when the answer starts: a streamed or passed-through body's size is not known yet ("-").
        long in = request.getContentLength();
        long out = response.getContentLength();
        LOG.info("request_id={} {} {}{} -> {} in {} ms bytes_in={} bytes_out={}", id, request.getMethodName(), request.getPath(), route,
                response.code(), took / 1_000_000, in < 0 ? 0 : in, out < 0 ? "-" : Long.toString(out));
        meters.request(request.getPath(), request.getAttribute(UPSTREAM, String.class).orElse(null), response.code(), took);
    }

    /** What the request's access line says of where it went (key id, model, upstream; never a secret). */
    static void describe(HttpRequest<?> request, String route, String upstream) {
        request.setAttribute(ROUTE, route);
        request.setAttribute(UPSTREAM, upstream);
    }

    /** When the request arrived ({@link System#nanoTime()}). */
    static long startedAt(HttpRequest<?> request) {
        return request.getAttribute(STARTED, Long.class).orElse(System.nanoTime());
    }

    /** The id of a request; one is made up if the filter has not run. */
    static String of(HttpRequest<?> request) {
        return request.getAttribute(ID, String.class).orElseGet(() -> {
            String id = fresh();
            request.setAttribute(ID, id);
            return id;
        });
    }

    /**
     * 96 random bits. An id names a request in logs and support tickets and grants nothing, so it need not be
     * unpredictable: the thread's own generator, not {@code SecureRandom}, whose shared lock and reads of
     * {@code /dev/urandom} showed in profiles of the event loop.
     */
    private static String fresh() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        HexFormat hex = HexFormat.of();
        return "req_" + hex.toHexDigits(random.nextLong()) + hex.toHexDigits(random.nextInt());
    }
}
