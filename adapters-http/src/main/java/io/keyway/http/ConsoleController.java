package io.keyway.http;

import io.micronaut.http.HttpResponse;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.swagger.v3.oas.annotations.Hidden;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.responses.ApiResponse;


/**
 * The key console: one static page with its script and style, shipped in the jar, calling the JSON API with the
 * management key its user types in. Served with a policy that allows no inline script, no framing and no third-party
 * origin, so that nothing but this page's own code ever runs beside a key.
 */
@Controller("/console")
class ConsoleController {
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
            + "img-src 'self'; form-action 'none'; base-uri 'none'; frame-ancestors 'none'";

    private final byte[] page = resource("index.html");
    private final byte[] script = resource("console.js");
    private final byte[] style = resource("console.css");
    /** uPlot's version, as adapters-http/pom.xml has it: its files are read from the webjar when the console starts. */
    static final String UPLOT = "1.6.30";
    private final byte[] chartScript = ClasspathResources.bytes("/META-INF/resources/webjars/uplot/" + UPLOT + "/dist/uPlot.iife.min.js",
            "uPlot " + UPLOT + " is missing from the jar");
    private final byte[] chartStyle = ClasspathResources.bytes("/META-INF/resources/webjars/uplot/" + UPLOT + "/dist/uPlot.min.css",
            "uPlot " + UPLOT + " is missing from the jar");

    @Operation(summary = "The key console", tags = "Console",
            description = "A page that signs in with a management key (kept in the page's memory only): the account's gateway keys (created "
                    + "with an expiry and provider keys, limits set in place, revoked), its usage of the last 30 days as a chart and a table, "
                    + "its activity, and the management key's rotation.",
            responses = @ApiResponse(responseCode = "200", description = "The page.", content = @Content(mediaType = "text/html")))
    @Get(produces = "text/html; charset=utf-8")
    HttpResponse<byte[]> page() {
        return secured(HttpResponse.ok(page), "text/html; charset=utf-8");
    }

    @Hidden
    @Get(uri = "/console.js", produces = "text/javascript; charset=utf-8")
    HttpResponse<byte[]> script() {
        return secured(HttpResponse.ok(script), "text/javascript; charset=utf-8");
    }

    @Hidden
    @Get(uri = "/console.css", produces = "text/css; charset=utf-8")
    HttpResponse<byte[]> style() {
        return secured(HttpResponse.ok(style), "text/css; charset=utf-8");
    }

    @Hidden
    @Get(uri = "/uPlot.iife.min.js", produces = "text/javascript; charset=utf-8")
    HttpResponse<byte[]> chartScript() {
        return secured(HttpResponse.ok(chartScript), "text/javascript; charset=utf-8");
    }

    @Hidden
    @Get(uri = "/uPlot.min.css", produces = "text/css; charset=utf-8")
    HttpResponse<byte[]> chartStyle() {
        return secured(HttpResponse.ok(chartStyle), "text/css; charset=utf-8");
    }

    private static MutableHttpResponse<byte[]> secured(MutableHttpResponse<byte[]> response, String type) {
        return response.contentType(type)
                .header("Content-Security-Policy", CONTENT_SECURITY_POLICY)
                .header("X-Content-Type-Options", "nosniff")
                .header("Referrer-Policy", "no-referrer")
                .header("X-Frame-Options", "DENY")
                .header("Cache-Control", "no-store");
    }

    private static byte[] resource(String name) {
        return ClasspathResources.bytes("/console/" + name, "the console's " + name + " is missing from the jar");
    }
}
