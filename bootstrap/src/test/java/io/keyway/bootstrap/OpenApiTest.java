package io.keyway.bootstrap;

import io.keyway.testkit.Gateway;
import io.keyway.testkit.KeywayExtension;
import io.micronaut.web.router.Router;
import io.micronaut.web.router.UriRouteInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.yaml.snakeyaml.Yaml;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The OpenAPI document generated at build against the routes the running gateway really has, and its UI in a browser. */
class OpenApiTest {
    /** Routes that are not API operations: the console's and the UI's own assets, and the document itself. */
    private static final Set<String> NOT_OPERATIONS = Set.of("GET /console/console.js", "GET /console/console.css",
            "GET /console/uPlot.iife.min.js", "GET /console/uPlot.min.css", "GET /openapi.yml", "GET /openapi", "GET /openapi/res/{name}", "GET /");

    @RegisterExtension
    static final KeywayExtension keyway = KeywayExtension.standard();

    @SuppressWarnings("unchecked")
    private static Map<String, Object> document() {
        HttpResponse<String> served = keyway.gateway().get("/openapi.yml", null);
        assertEquals(200, served.statusCode());
        assertTrue(served.headers().firstValue("content-type").orElse("").startsWith("application/yaml"));
        return new Yaml().load(served.body());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Map<String, Object>> operations(Map<String, Object> document) {
        Map<String, Map<String, Object>> operations = new java.util.TreeMap<>();
        ((Map<String, Map<String, Object>>) document.get("paths")).forEach((path, methods) -> methods.forEach((method, operation) ->
                operations.put(method.toUpperCase() + " " + path, (Map<String, Object>) operation)));
        return operations;
    }

    /**
     * Every route of Keyway's controllers, as the router of the running gateway holds them ({+id} written {id}), but the
     * HEAD twin Micronaut adds to each GET.
     */
    private static Set<String> routes() {
        Set<String> routes = new TreeSet<>();
        keyway.gateway().context().getBean(Router.class).uriRoutes()
                .filter(route -> route.getTargetMethod().getDeclaringType().getPackageName().equals("io.keyway.http"))
                .map(UriRouteInfo.class::cast)
                .filter(route -> !route.getHttpMethodName().equals("HEAD"))
                .forEach(route -> routes.add(route.getHttpMethodName() + " " + route.getUriMatchTemplate().toString().replace("{+", "{")));
        return routes;
    }

    @Test
    void theDocumentListsEveryRouteOfTheControllersAndNothingElse() {
        Set<String> routes = routes();
        assertTrue(routes.containsAll(NOT_OPERATIONS), "the excluded routes exist: " + routes);
        assertTrue(routes.size() > 20, "the router lists Keyway's routes: " + routes);
        Set<String> expected = new TreeSet<>(routes);
        expected.removeAll(NOT_OPERATIONS);
        assertEquals(expected, operations(document()).keySet());
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyOperationIsDescribedWithItsCredentialErrorsAndJsonExamples() {
        Map<String, Object> document = document();
        assertEquals("Keyway", ((Map<String, Object>) document.get("info")).get("title"));
        Map<String, Object> schemes = (Map<String, Object>) ((Map<String, Object>) document.get("components")).get("securitySchemes");
        assertEquals(Set.of("gatewayKey", "managementKey", "adminToken"), schemes.keySet());
        List<String> problems = new ArrayList<>();
        operations(document).forEach((name, operation) -> {
            if (!(operation.get("summary") instanceof String summary) || summary.isBlank()) {
                problems.add(name + ": no summary");
            }
            if (!(operation.get("tags") instanceof List<?> tags) || tags.isEmpty()) {
                problems.add(name + ": no tag");
            }
            Map<String, Map<String, Object>> responses = (Map<String, Map<String, Object>>) operation.get("responses");
            if (name.equals("GET /console") || name.equals("GET /v1/providers")) {
                // Public pages: the console's sign-in page, and which providers the operator enabled (no key, no account).
                return;
            }
            if (!(operation.get("security") instanceof List<?> security) || security.size() != 1) {
                problems.add(name + ": no credential");
            }
            if (!responses.containsKey("401")) {
                problems.add(name + ": no 401");
            }
            responses.forEach((status, given) -> {
                Map<String, Object> response = resolved(document, given, problems, name + " " + status);
                Map<String, Map<String, Object>> content = (Map<String, Map<String, Object>>) response.get("content");
                if (status.startsWith("2") && !status.equals("204") && (content == null || content.isEmpty())) {
                    problems.add(name + " " + status + ": no content");
                }
                if (status.charAt(0) >= '4') {
                    Map<String, Object> json = content == null ? null : content.get("application/json");
                    if (json == null || !String.valueOf(json.get("schema")).contains("#/components/schemas/OpenAiError")) {
                        problems.add(name + " " + status + ": not the OpenAI error shape");
                    }
                }
                if (content != null && content.containsKey("application/json")) {
                    Object example = example(content.get("application/json"));
                    // The annotations hold JSON text; the build parses it, so a typo would leave a string here.
                    if (example != null && !(example instanceof Map)) {
                        problems.add(name + " " + status + ": example is not JSON: " + example);
                    }
                    if (example == null && status.startsWith("2")) {
                        problems.add(name + " " + status + ": no example");
                    }
                }
            });
            if (operation.get("requestBody") instanceof Map<?, ?> body) {
                Map<String, Map<String, Object>> content = (Map<String, Map<String, Object>>) body.get("content");
                if (!content.keySet().equals(Set.of("application/json")) || !(example(content.get("application/json")) instanceof Map)) {
                    problems.add(name + ": request body without a JSON example");
                }
            }
        });
        assertEquals(List.of(), problems);
        Map<String, Object> chat = operations(document).get("POST /v1/chat/completions");
        Map<String, Object> ok = (Map<String, Object>) ((Map<String, Object>) chat.get("responses")).get("200");
        assertTrue(((Map<String, Object>) ok.get("content")).containsKey("text/event-stream"), "streams are documented");
    }

    /**
     * A response as a reader sees it: a shared answer ({@code $ref} to {@code #/components/responses/…}, written once)
     * looked up, a dangling reference reported.
     */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> resolved(Map<String, Object> document, Map<String, Object> response, List<String> problems, String where) {
        if (!(response.get("$ref") instanceof String ref)) {
            return response;
        }
        String prefix = "#/components/responses/";
        Map<String, Object> shared = (Map<String, Object>) ((Map<String, Object>) document.get("components")).get("responses");
        Object found = ref.startsWith(prefix) && shared != null ? shared.get(ref.substring(prefix.length())) : null;
        if (!(found instanceof Map)) {
            problems.add(where + ": dangling reference " + ref);
            return Map.of();
        }
        return (Map<String, Object>) found;
    }

    @Test
    @SuppressWarnings("unchecked")
    void sharedAnswersAreWrittenOnceAndReferencedByTheRoutesThatGiveThem() {
        Map<String, Object> document = document();
        Map<String, Object> shared = (Map<String, Object>) ((Map<String, Object>) document.get("components")).get("responses");
        long references = operations(document).values().stream()
                .flatMap(operation -> ((Map<String, Map<String, Object>>) operation.get("responses")).values().stream())
                .filter(response -> response.containsKey("$ref")).count();
        assertTrue(shared.keySet().containsAll(Set.of("Unauthenticated", "KeyStoreUnavailable", "TooManyFailedAuthentications", "OverALimit")),
                shared.keySet().toString());
        assertTrue(references > 60, "the routes reference the shared answers: " + references);
        Map<String, Object> chat = operations(document).get("POST /v1/chat/completions");
        assertEquals("#/components/responses/OverALimit",
                ((Map<String, Map<String, Object>>) chat.get("responses")).get("429").get("$ref"));
    }

    @SuppressWarnings("unchecked")
    private static Object example(Map<String, Object> mediaType) {
        if (mediaType.get("example") != null) {
            return mediaType.get("example");
        }
        if (mediaType.get("examples") instanceof Map<?, ?> examples && !examples.isEmpty()) {
            return ((Map<String, Object>) examples.values().iterator().next()).get("value");
        }
        return null;
    }

    @Test
    void theRootLeadsAPersonToTheConsoleAndTheApiReference() {
        HttpResponse<String> root = keyway.gateway().get("/", null);

        assertEquals(200, root.statusCode());
        assertTrue(root.headers().firstValue("content-type").orElse("").startsWith("text/html"));
        for (String link : List.of("href=\"/console\"", "href=\"/openapi\"", "href=\"/openapi.yml\"")) {
            assertTrue(root.body().contains(link), "the root page links " + link + ": " + root.body());
        }
        assertTrue(root.headers().firstValue("content-security-policy").orElse("").startsWith("default-src 'none'"));
    }

    @Test
    void theUiIsServedFromTheJarAndRendersEveryOperationInABrowser() throws Exception {
        Gateway gateway = keyway.gateway();
        HttpResponse<String> page = gateway.get("/openapi", null);
        assertEquals(200, page.statusCode());
        String policy = page.headers().firstValue("content-security-policy").orElseThrow();
        assertTrue(policy.contains("script-src 'self' 'sha256-"), policy);
        assertFalse(page.body().contains("http://") || page.body().contains("https://"), "no third-party origin in the page");
        Matcher assets = Pattern.compile("\"(/openapi/res/[^\"]+)\"").matcher(page.body());
        int count = 0;
        while (assets.find()) {
            HttpResponse<String> asset = gateway.get(assets.group(1), null);
            assertEquals(200, asset.statusCode(), assets.group(1));
            count++;
        }
        assertTrue(count >= 4, "the page loads its script and style from the jar");
        HttpResponse<String> unknown = gateway.get("/openapi/res/..%2F..%2Fkeyway.yml", null);
        Gateway.assertOpenAiError(unknown, 404, "unknown_url");

        int operations = operations(document()).size();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(Path.of("/usr/bin/chromium").toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1100");
        WebDriver browser = new ChromeDriver(new ChromeDriverService.Builder()
                .usingDriverExecutable(Path.of("/usr/bin/chromedriver").toFile()).build(), options);
        try {
            browser.get(gateway.baseUrl() + "/openapi");
            // Blocked by the policy, or fetched from a CDN the test machine cannot reach, the page would stay empty.
            new WebDriverWait(browser, Duration.ofSeconds(15)).until(driver -> driver.findElements(By.cssSelector(".opblock")).size() == operations);
            assertTrue(browser.findElement(By.cssSelector(".info .title")).getText().startsWith("Keyway"));
            assertInstanceOf(String.class, browser.findElement(By.cssSelector("[data-path='/v1/chat/completions']")).getText());
        } finally {
            browser.quit();
        }
    }
}
