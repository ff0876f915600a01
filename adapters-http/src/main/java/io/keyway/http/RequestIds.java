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
@io.micronaut.core.annotation.Order(-100)
public final class RequestIds {
    private final GatewayMeters meters;

    RequestIds(GatewayMeters meters) {
        this.meters = meters;
    }

    static final String HEADER = "x-request-id";
    /**
     * One attribute per request holding all it needs, read without conversion: four typed attributes, each looked
     * up and converted through the conversion service, showed in profiles (~1.3% of the event loop's samples).
     */
    private static final String STATE = "keyway.request";
    private static final Pattern ACCEPTED = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
    private static final Logger LOG = LoggerFactory.getLogger(RequestIds.class);

    /** What is known of one request: its id, when it arrived, and where it went. */
    private static final class State {
        final String id;
        final long started;
        String route = "";
        String upstream;

        State(String id, long started) {
            this.id = id;
            this.started = started;
        }
    }

    @RequestFilter
    void assign(HttpRequest<?> request) {
        String given = request.getHeaders().get(HEADER);
        request.setAttribute(STATE, new State(given != null && ACCEPTED.matcher(given).matches() ? given : fresh(), System.nanoTime()));
    }

    @ResponseFilter
    void answer(HttpRequest<?> request, MutableHttpResponse<?> response) {
        State state = state(request);
        response.header(HEADER, state.id);
        long took = System.nanoTime() - state.started;
        // Written when the answer starts: a streamed or passed-through body's size is not known yet ("-").
        long in = request.getContentLength();
        long out = response.getContentLength();
        // A load balancer's health checks come every few seconds and say nothing about users: at DEBUG, unless they fail.
        boolean quiet = response.code() < 400 && request.getPath().startsWith("/health");
        if (quiet ? LOG.isDebugEnabled() : LOG.isInfoEnabled()) {
            String line = "request_id={} {} {}{} -> {} in {} ms bytes_in={} bytes_out={}";
            Object[] values = {state.id, request.getMethodName(), request.getPath(), state.route, response.code(), took / 1_000_000,
                    in < 0 ? 0 : in, out < 0 ? "-" : Long.toString(out)};
            if (quiet) {
                LOG.debug(line, values);
            } else {
                LOG.info(line, values);
            }
        }
        meters.request(request.getPath(), state.upstream, response.code(), took);
    }

    /** What the request's access line says of where it went (key id, model, upstream; never a secret). */
    public static void describe(HttpRequest<?> request, String route, String upstream) {
        State state = state(request);
        state.route = " " + route;
        state.upstream = upstream;
    }

    /** When the request arrived ({@link System#nanoTime()}). */
    static long startedAt(HttpRequest<?> request) {
        return state(request).started;
    }

    /** The id of a request; one is made up if the filter has not run. */
    static String of(HttpRequest<?> request) {
        return state(request).id;
    }

    private static State state(HttpRequest<?> request) {
        Object state = request.getAttribute(STATE).orElse(null);
        if (state instanceof State known) {
            return known;
        }
        State made = new State(fresh(), System.nanoTime());
        request.setAttribute(STATE, made);
        return made;
    }

    /**
     * 96 random bits. An id names a request in logs and support tickets and grants nothing, so it need not be
     * unpredictable: the thread's own generator, not {@code SecureRandom}, whose shared lock and reads of
     * {@code /dev/urandom} showed in profiles of the event loop.
     */
    static String fresh() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        HexFormat hex = HexFormat.of();
        return "req_" + hex.toHexDigits(random.nextLong()) + hex.toHexDigits(random.nextInt());
    }
}
