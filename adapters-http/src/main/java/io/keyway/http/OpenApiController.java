package io.keyway.http;

import io.micronaut.http.HttpResponse;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.swagger.v3.oas.annotations.Hidden;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The OpenAPI document the build generated from the controllers ({@code GET /openapi.yml}) and a Swagger UI over it
 * ({@code GET /openapi}), whose page and assets micronaut-openapi copied into the jar at build: no CDN. The page's one
 * inline script is allowed by its hash, nothing else inline, no other origin. Served on the management port with
 * health and metrics when {@code endpoints.all.port} sets one, else on the API's.
 */
@Hidden
@Controller(port = "${endpoints.all.port:}")
class OpenApiController {
    static final String DOCUMENT = "/META-INF/swagger/keyway.yml";
    private static final String VIEW = "/META-INF/swagger/views/swagger-ui/";
    private static final Map<String, String> ASSETS = Map.of(
            "swagger-ui.css", "text/css; charset=utf-8",
            "index.css", "text/css; charset=utf-8",
            "swagger-ui-bundle.js", "text/javascript; charset=utf-8",
            "swagger-ui-standalone-preset.js", "text/javascript; charset=utf-8",
            "favicon-16x16.png", "image/png",
            "favicon-32x32.png", "image/png");

    private final byte[] document = resource(DOCUMENT);
    /** Each asset read from the jar once, when first asked for (the page is rarely opened; the bundle is 1.4 MB). */
    private final Map<String, byte[]> assets = new java.util.concurrent.ConcurrentHashMap<>();
    private final byte[] page = resource(VIEW + "index.html");
    private final String policy = "default-src 'none'; script-src 'self' " + inlineScriptHash(page)
            + "; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; "
            + "frame-ancestors 'none'";

    @Get(uri = "/openapi.yml", produces = "application/yaml")
    HttpResponse<byte[]> document() {
        return HttpResponse.ok(document).contentType("application/yaml").header("X-Content-Type-Options", "nosniff");
    }

    @Get(uri = "/openapi", produces = "text/html; charset=utf-8")
    HttpResponse<byte[]> page() {
        return secured(HttpResponse.ok(page), "text/html; charset=utf-8");
    }

    @Get(uri = "/openapi/res/{name}")
    HttpResponse<?> asset(@PathVariable String name) {
        String type = ASSETS.get(name);
        if (type == null) {
            return OpenAiError.response(404, OpenAiError.INVALID_REQUEST, "unknown_url", null, "Unknown request URL: GET /openapi/res/" + name + ".");
        }
        byte[] asset = assets.computeIfAbsent(name, file -> resource(VIEW + "res/" + file));
        return secured(HttpResponse.ok(asset), type).header("Cache-Control", "public, max-age=3600");
    }

    private MutableHttpResponse<byte[]> secured(MutableHttpResponse<byte[]> response, String type) {
        return response.contentType(type)
                .header("Content-Security-Policy", policy)
                .header("X-Content-Type-Options", "nosniff")
                .header("Referrer-Policy", "no-referrer")
                .header("X-Frame-Options", "DENY");
    }

    /** The CSP source that allows exactly the page's inline script: {@code 'sha256-…'} of its text. */
    static String inlineScriptHash(byte[] page) {
        Matcher script = Pattern.compile("<script>(.*?)</script>", Pattern.DOTALL).matcher(new String(page, StandardCharsets.UTF_8));
        if (!script.find()) {
            throw new IllegalStateException("the Swagger UI page has no inline script to allow");
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(script.group(1).getBytes(StandardCharsets.UTF_8));
            return "'sha256-" + Base64.getEncoder().encodeToString(digest) + "'";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] resource(String name) {
        return ClasspathResources.bytes(name, name + " is missing from the jar (micronaut-openapi writes it at build)");
    }
}
