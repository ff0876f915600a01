package io.keyway.http;

import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.swagger.v3.oas.annotations.Hidden;

import java.nio.charset.StandardCharsets;

/**
 * The root, for a person who opens the gateway's address in a browser: where the console, the API reference and the
 * health check are. Static, with no script or style of any origin.
 */
@Controller
class RootController {
    private static final byte[] PAGE = """
            <!doctype html>
            <html lang="en">
            <head><meta charset="utf-8"><title>Keyway</title></head>
            <body>
            <h1>Keyway</h1>
            <p>An OpenAI-compatible LLM gateway. Point any OpenAI SDK at <code>/v1</code> with a gateway key.</p>
            <ul>
            <li><a href="/console">The key console</a>: sign in with a management key to create and revoke gateway keys.</li>
            <li><a href="/openapi">The API reference</a> (<a href="/openapi.yml">OpenAPI document</a>).</li>
            <li><a href="/health">Health</a>.</li>
            </ul>
            </body>
            </html>
            """.getBytes(StandardCharsets.UTF_8);

    @Hidden
    @Get(produces = "text/html; charset=utf-8")
    HttpResponse<byte[]> root() {
        return HttpResponse.ok(PAGE).contentType("text/html; charset=utf-8")
                .header("Content-Security-Policy", "default-src 'none'; form-action 'none'; base-uri 'none'; frame-ancestors 'none'")
                .header("X-Content-Type-Options", "nosniff")
                .header("Referrer-Policy", "no-referrer");
    }
}
