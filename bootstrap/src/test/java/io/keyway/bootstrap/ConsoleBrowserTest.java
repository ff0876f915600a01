package io.keyway.bootstrap;

import io.keyway.domain.testkit.Await;
import io.keyway.domain.testkit.FakeUpstream;
import io.keyway.testkit.Gateway;
import io.keyway.testkit.KeywayExtension;
import io.keyway.testkit.SecretLedger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The key console in headless Chromium (Debian's {@code chromium} and {@code chromium-driver}, driven by Selenium):
 * what a person does on the page, found by the accessible names they read. Screenshots of each state go to
 * {@code target/console-screenshots}.
 */
class ConsoleBrowserTest {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Path SCREENSHOTS = Path.of("target/console-screenshots");

    /** A second provider behind the gateway, on loopback, for changing a row's provider keys. */
    private static final FakeUpstream groq = FakeUpstream.start();

    @RegisterExtension
    static final KeywayExtension keyway = KeywayExtension.builder()
            .property("keyway.providers.groq.base-url", groq.baseUrl())
            .property("keyway.providers.groq.retries", 0)
            .property("keyway.usage.flush-interval", "100ms")
            .build();

    private static WebDriver browser;

    @BeforeAll
    static void openTheBrowser() throws Exception {
        assertTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "the console's browser tests need Debian's chromium and chromium-driver: apt-get install -y chromium chromium-driver");
        Files.createDirectories(SCREENSHOTS);
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1100");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).build();
        browser = new ChromeDriver(service, options);
    }

    @AfterAll
    static void closeTheBrowser() {
        if (browser != null) {
            browser.quit();
        }
        groq.close();
    }

    private static WebDriverWait waiting() {
        return new WebDriverWait(browser, Duration.ofSeconds(5));
    }

    /** The input a label names, checked to carry that label as its accessible name. */
    private static WebElement field(String label) {
        WebElement labelElement = browser.findElement(By.xpath("//label[normalize-space()='" + label + "']"));
        WebElement input = browser.findElement(By.id(labelElement.getAttribute("for")));
        assertEquals(label, input.getAccessibleName());
        return input;
    }

    /** The visible button with this accessible name inside {@code scope}. */
    private static WebElement button(String name, String scope) {
        List<WebElement> buttons = browser.findElements(By.xpath(scope + "//button")).stream()
                .filter(WebElement::isDisplayed)
                .filter(button -> name.equals(button.getText().strip()))
                .toList();
        assertEquals(1, buttons.size(), "visible buttons named '" + name + "' in " + scope + ": " + buttons.size());
        return buttons.get(0);
    }

    /** The one error shown, in the element with role="alert" beside what caused it. */
    private static WebElement alert(String besideId) {
        return browser.findElement(By.xpath("//*[@id='" + besideId + "']//*[@role='alert']"));
    }

    private static List<WebElement> visibleAlerts() {
        return browser.findElements(By.cssSelector("[role=alert]")).stream().filter(WebElement::isDisplayed).toList();
    }

    /** Runs axe-core in the page as it is now and fails with every violation it reports. */
    private static void accessible(String view) throws Exception {
        JavascriptExecutor page = (JavascriptExecutor) browser;
        page.executeScript(io.keyway.testkit.NodeSdk.axe());
        Object found = page.executeAsyncScript("const done = arguments[arguments.length - 1];"
                + "axe.run(document, {resultTypes: ['violations']})"
                + ".then(r => done(r.violations.map(v => v.id + ' (' + v.impact + '): ' + v.nodes.map(n => n.target.join(' ')).join(', ')).join('\\n')))"
                + ".catch(e => done('axe failed: ' + e));");
        assertEquals("", found, "axe-core found accessibility violations in " + view);
    }

    /** A screenshot at 1280 px ({@code name}.png) and one at 375 px ({@code name}-375px.png), of the page as it is. */
    private static void screenshot(String name) throws Exception {
        File shot = ((ChromeDriver) browser).getScreenshotAs(OutputType.FILE);
        Files.copy(shot.toPath(), SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
        narrow(true);
        File phone = ((ChromeDriver) browser).getScreenshotAs(OutputType.FILE);
        Files.copy(phone.toPath(), SCREENSHOTS.resolve(name + "-375px.png"), StandardCopyOption.REPLACE_EXISTING);
        narrow(false);
    }

    @Test
    void anAccountSignsInCreatesAKeyWithItsOpenRouterKeyUsesItAndRevokesIt() throws Exception {
        Gateway gateway = keyway.gateway();
        FakeUpstream openRouter = keyway.openRouter();
        openRouter.answer("chat/completions", FakeUpstream.json(200, FakeUpstream.chatCompletion("a/b", "hi")));
        String management = gateway.createAccount("console");
        String openRouterKey = SecretLedger.record("sk-or-v1-console-" + UUID.randomUUID());

        browser.get(gateway.baseUrl() + "/console");
        watchForCspViolations();
        screenshot("01-sign-in");
        accessible("the sign-in view");

        field("Management key").sendKeys("kwm-0123456789abcdef_" + "A".repeat(43) + "00000000");
        button("Sign in", "//form[@id='sign-in-form']").click();
        waiting().until(ExpectedConditions.textToBePresentInElement(alert("sign-in-form"), "not accepted"));
        screenshot("02-wrong-management-key");
        accessible("the sign-in view with its error");

        field("Management key").clear();
        field("Management key").sendKeys(management);
        button("Sign in", "//form[@id='sign-in-form']").click();
        waiting().until(ExpectedConditions.visibilityOfElementLocated(By.id("keys-empty")));
        assertEquals(List.of(), visibleAlerts(), "an error stayed on screen after signing in");
        assertEquals("", browser.findElement(By.id("management-key")).getAttribute("value"), "the key stays in the field after sign-in");
        screenshot("03-signed-in-no-keys");

        field("Name").sendKeys("laptop");
        field("Associate a 3rd Party API key").sendKeys(openRouterKey);
        button("Create key", "//form[@id='create-form']").click();
        WebElement revealed = waiting().until(ExpectedConditions.visibilityOfElementLocated(By.id("reveal-key")));
        String gatewayKey = SecretLedger.record(revealed.getText());
        assertTrue(gatewayKey.startsWith("kw-"), gatewayKey);
        assertTrue(browser.findElement(By.id("reveal-dialog")).getText().contains("This key will not be shown again"));
        assertTrue(browser.findElement(By.id("reveal-python")).getText().contains("base_url=\"" + gateway.baseUrl() + "/v1\""));
        button("Copy", "//dialog[@id='reveal-dialog']");
        assertFalse(browser.getPageSource().contains(openRouterKey), "the OpenRouter key was echoed into the page");
        screenshot("04-key-revealed-once");
        accessible("the one-time reveal");

        button("Done", "//dialog[@id='reveal-dialog']").click();
        waiting().until(ExpectedConditions.invisibilityOfElementLocated(By.id("reveal-dialog")));
        assertFalse(browser.getPageSource().contains(gatewayKey), "the revealed key stayed in the page after its dialog closed");
        WebElement row = waiting().until(ExpectedConditions.visibilityOfElementLocated(By.xpath("//tbody/tr[td[1]='laptop']")));
        assertTrue(row.getText().contains("openrouter …" + openRouterKey.substring(openRouterKey.length() - 4)), row.getText());
        screenshot("05-key-listed");

        HttpResponse<String> used = gateway.post("/v1/chat/completions", gatewayKey, "{\"model\":\"openrouter-a/b\",\"messages\":[]}");
        assertEquals(200, used.statusCode(), used.body());
        assertEquals("Bearer " + openRouterKey, openRouter.last().header("Authorization"), "the user's own OpenRouter key went upstream");

        WebElement revoke = row.findElement(By.xpath(".//button[text()='Revoke']"));
        assertEquals("Revoke laptop", revoke.getAccessibleName());
        revoke.click();
        waiting().until(ExpectedConditions.visibilityOfElementLocated(By.id("revoke-dialog")));
        screenshot("06-revoke-confirmation");
        accessible("the revoke confirmation");
        button("Revoke", "//dialog[@id='revoke-dialog']").click();
        waiting().until(ExpectedConditions.visibilityOfElementLocated(By.id("keys-empty")));
        assertTrue(browser.findElements(By.xpath("//tbody/tr[td[1]='laptop']")).isEmpty());
        waiting().until(driver -> "keys-title".equals(driver.switchTo().activeElement().getAttribute("id")));
        screenshot("07-revoked");

        assertEquals(401, gateway.post("/v1/chat/completions", gatewayKey, "{\"model\":\"openrouter-a/b\"}").statusCode());
        WebElement activity = waiting().until(ExpectedConditions.visibilityOfElementLocated(By.id("activity-table")));
        waiting().until(ExpectedConditions.textToBePresentInElement(activity, "gateway_key.revoked"));
        String keyId = gatewayKey.substring(3, 19);
        for (String action : List.of("gateway_key.created", "provider_key.attached", "gateway_key.revoked")) {
            // The key was revoked: its rows stay and say so.
            assertEquals(1, browser.findElements(By.xpath("//tbody[@id='activity-body']/tr[td[2]='" + action + "' and td[3]='" + keyId + " (deleted)']")).size(),
                    action + " in the activity:\n" + activity.getText());
        }
        assertTrue(activity.getText().contains("last four: " + openRouterKey.substring(openRouterKey.length() - 4)), activity.getText());
        assertTrue(activity.getText().contains("management_key:" + management.substring(4, 20)), activity.getText());
        assertFalse(browser.getPageSource().contains(openRouterKey), "the activity holds the OpenRouter key");
        button("Check the trail", "//section[@id='activity-section']").click();
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.id("activity-status"), "intact"));
        screenshot("07b-activity");
        accessible("the keys and their activity");
        Object stored = ((JavascriptExecutor) browser).executeScript(
                "return localStorage.length + sessionStorage.length + document.cookie.length");
        assertEquals(0L, stored, "the page stored something");

        button("Sign out", "//header").click();
        waiting().until(ExpectedConditions.visibilityOfElementLocated(By.id("sign-in-section")));
        assertEquals("", cspViolations(), "the page broke its Content-Security-Policy");
        assertFalse(browser.findElement(By.id("keys-section")).isDisplayed());
        screenshot("08-signed-out");
    }

    @Test
    void aKeysHolderReplacesAndRemovesItsProviderKeysFromItsRow() throws Exception {
        Gateway gateway = keyway.gateway();
        FakeUpstream openRouter = keyway.openRouter();
        groq.reset();
        groq.answer("models", FakeUpstream.json(200, "{\"object\":\"list\",\"data\":[{\"id\":\"llama-3.3-70b\"}]}"));
        groq.answer("chat/completions", FakeUpstream.json(200, FakeUpstream.chatCompletion("llama-3.3-70b", "from groq")));
        String management = gateway.createAccount("console-provider-keys");
        String openRouterKey = SecretLedger.record("sk-or-v1-row-" + UUID.randomUUID());
        String gatewayKey = SecretLedger.record(gateway.createGatewayKey(management, openRouterKey));
        String otherKey = SecretLedger.record(gateway.createGatewayKey(management, "sk-or-v1-other-" + UUID.randomUUID()));
        String groqKey = SecretLedger.record("gsk_row_" + UUID.randomUUID().toString().replace("-", ""));

        browser.get(gateway.baseUrl() + "/console");
        watchForCspViolations();
        field("Management key").sendKeys(management);
        button("Sign in", "//form[@id='sign-in-form']").click();
        String id = gatewayKey.substring(3, 19);
        WebElement row = waiting().until(ExpectedConditions.visibilityOfElementLocated(By.xpath("//tbody/tr[td[2]='" + id + "']")));
        WebElement open = row.findElement(By.xpath(".//button[text()='Provider keys']"));
        assertTrue(open.getAccessibleName().startsWith("Provider keys of "), open.getAccessibleName());
        open.click();
        waiting().until(ExpectedConditions.visibilityOfElementLocated(By.id("provider-dialog")));
        assertTrue(browser.findElement(By.id("provider-dialog-current")).getText()
                .contains("openrouter …" + openRouterKey.substring(openRouterKey.length() - 4)));

        // Another key's secret is refused in the page, before anything is sent.
        field("Gateway key (kw-…)").sendKeys(otherKey);
        new org.openqa.selenium.support.ui.Select(field("Provider to change")).selectByVisibleText("Groq");
        field("New key at that provider").sendKeys(groqKey);
        button("Save provider key", "//dialog[@id='provider-dialog']").click();
        waiting().until(ExpectedConditions.textToBePresentInElement(alert("provider-form"), "not the secret of the key"));
        screenshot("10-provider-keys-wrong-secret");
        accessible("the provider keys dialog with its error");
        assertEquals(0, groq.count("models"), "a key was checked although the secret was another key's");

        field("Gateway key (kw-…)").clear();
        field("Gateway key (kw-…)").sendKeys(gatewayKey);
        button("Save provider key", "//dialog[@id='provider-dialog']").click();
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.id("provider-status"), "The Groq key was saved."));
        assertEquals("", alert("provider-form").getText());
        assertEquals("Bearer " + groqKey, groq.last().header("Authorization"), "the Groq key was checked with Groq's models list");
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.xpath("//tbody/tr[td[2]='" + id + "']"),
                "groq …" + groqKey.substring(groqKey.length() - 4)));
        screenshot("11-provider-key-saved");

        new org.openqa.selenium.support.ui.Select(field("Provider to change")).selectByVisibleText("OpenRouter");
        button("Remove provider key", "//dialog[@id='provider-dialog']").click();
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.id("provider-status"), "The OpenRouter key was removed."));
        // The row is found afresh on each look: the list is drawn again after the change, which leaves an element
        // found before it stale (this failed once in CI).
        By changedRow = By.xpath("//tbody/tr[td[2]='" + id + "']");
        String changed = waiting().ignoring(org.openqa.selenium.StaleElementReferenceException.class).until(driver -> {
            String text = driver.findElement(changedRow).getText();
            return text.contains("openrouter") ? null : text;
        });
        assertTrue(changed.contains("groq …"), changed);

        button("Close", "//dialog[@id='provider-dialog']").click();
        waiting().until(ExpectedConditions.invisibilityOfElementLocated(By.id("provider-dialog")));
        assertEquals("Provider keys", browser.switchTo().activeElement().getText(), "focus went back to the row's button");
        assertEquals("", browser.findElement(By.id("row-gateway-key")).getAttribute("value"), "the gateway key stayed in the dialog's field");
        assertFalse(browser.getPageSource().contains(groqKey) || browser.getPageSource().contains(gatewayKey), "a secret stayed in the page");
        screenshot("12-provider-keys-closed");

        HttpResponse<String> toGroq = gateway.post("/v1/chat/completions", gatewayKey, "{\"model\":\"groq-llama-3.3-70b\",\"messages\":[]}");
        assertEquals(200, toGroq.statusCode(), toGroq.body());
        assertEquals("Bearer " + groqKey, groq.last().header("Authorization"));
        int before = openRouter.received().size();
        Gateway.assertOpenAiError(gateway.post("/v1/chat/completions", gatewayKey, "{\"model\":\"openrouter-a/b\",\"messages\":[]}"),
                403, "provider_key_missing");
        assertEquals(before, openRouter.received().size(), "a request went to OpenRouter after its key was removed");
        assertEquals("", cspViolations(), "the page broke its Content-Security-Policy");
    }

    /** Starts counting the page's Content-Security-Policy violations; {@link #cspViolations} reads them. */
    private static void watchForCspViolations() {
        ((JavascriptExecutor) browser).executeScript("window.cspViolations = [];"
                + "document.addEventListener('securitypolicyviolation', e => window.cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));");
    }

    private static Object cspViolations() {
        return ((JavascriptExecutor) browser).executeScript("return window.cspViolations.join('\\n');");
    }

    private static void narrow(boolean phone) {
        browser.manage().window().setSize(phone ? new org.openqa.selenium.Dimension(375, 900) : new org.openqa.selenium.Dimension(1280, 1100));
    }

    @Test
    void anAccountSeesItsUsageChartedSetsALimitCreatesAnExpiringKeyAndRotatesItsManagementKey() throws Exception {
        Gateway gateway = keyway.gateway();
        FakeUpstream openRouter = keyway.openRouter();
        openRouter.answer("chat/completions", FakeUpstream.json(200, FakeUpstream.chatCompletion("a/b", "hi")));
        String management = gateway.createAccount("console-usage");
        String gatewayKey = SecretLedger.record(gateway.createGatewayKey(management, "sk-or-v1-usage-" + UUID.randomUUID()));
        String id = gatewayKey.substring(3, 19);
        String chat = "{\"model\":\"openrouter-a/b\",\"messages\":[]}";
        for (int i = 0; i < 3; i++) {
            assertEquals(200, gateway.post("/v1/chat/completions", gatewayKey, chat).statusCode());
        }
        Await.until(() -> gateway.get("/v1/usage", management).body().contains("\"total\":{\"requests\":3"), Duration.ofSeconds(5),
                "the three requests were recorded");

        browser.get(gateway.baseUrl() + "/console");
        watchForCspViolations();
        field("Management key").sendKeys(management);
        button("Sign in", "//form[@id='sign-in-form']").click();

        // Usage: the account's, then the key's, made by the requests above.
        WebElement totals = waiting().until(ExpectedConditions.visibilityOfElementLocated(By.id("usage-totals")));
        waiting().until(ExpectedConditions.textToBePresentInElement(totals, "3 requests"));
        assertTrue(totals.getText().startsWith("The account: 3 requests, 36 tokens, 0.0004 USD"), totals.getText());
        assertFalse(browser.findElements(By.cssSelector("#usage-chart canvas")).isEmpty(), "no chart was drawn");
        assertEquals(30, browser.findElements(By.xpath("//tbody[@id='usage-body']/tr")).size(), "one row a day");
        String today = java.time.LocalDate.now(java.time.ZoneOffset.UTC).toString();
        browser.findElement(By.xpath("//details[@id='usage-figures']/summary")).click();
        WebElement todayRow = waiting().until(ExpectedConditions.visibilityOfElementLocated(By.xpath("//tbody[@id='usage-body']/tr[td[1]='" + today + "']")));
        assertEquals(today + " 3 36 0.0004", todayRow.getText());
        assertTrue(browser.findElement(By.id("usage-models")).getText().startsWith("openrouter-a/b: 0.0004 USD, 36 tokens, 3 requests"),
                browser.findElement(By.id("usage-models")).getText());
        new org.openqa.selenium.support.ui.Select(field("Usage of")).selectByValue(id);
        waiting().until(ExpectedConditions.textToBePresentInElement(totals, "This key: 3 requests"));
        screenshot("13-usage");
        accessible("the usage chart, its table and the top models");
        narrow(true);
        Object overflow = ((JavascriptExecutor) browser).executeScript("return Math.max(0, document.documentElement.scrollWidth - document.documentElement.clientWidth);");
        assertEquals(0L, overflow, "the page scrolls sideways at 375 px");
        accessible("the page at 375 px");
        narrow(false);

        // Limits: a refused value is said next to its field; a saved one answers 429 past it.
        WebElement open = browser.findElement(By.xpath("//tbody[@id='keys-body']/tr[td[2]='" + id + "']//button[text()='Limits']"));
        assertTrue(open.getAccessibleName().startsWith("Limits of "), open.getAccessibleName());
        open.click();
        waiting().until(ExpectedConditions.visibilityOfElementLocated(By.id("limits-dialog")));
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.id("limit-rpm-used"), "Used: 3 in the last minute."));
        assertTrue(browser.findElement(By.id("limit-tpd-used")).getText().contains("36 tokens today"));
        assertEquals(browser.findElement(By.id("limit-rpm")), browser.switchTo().activeElement(), "focus moved into the dialog");
        field("Requests per minute").sendKeys("0");
        button("Save limits", "//dialog[@id='limits-dialog']").click();
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.id("limit-rpm-error"), "whole number"));
        assertEquals("alert", browser.findElement(By.id("limit-rpm-error")).getAttribute("role"));
        screenshot("14-limit-refused");
        accessible("the limits dialog with a refused value");
        field("Requests per minute").clear();
        field("Requests per minute").sendKeys("3");
        button("Save limits", "//dialog[@id='limits-dialog']").click();
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.id("limits-status"), "Saved: 3 requests a minute."));
        assertEquals("", browser.findElement(By.id("limit-rpm-error")).getText());
        button("Close", "//dialog[@id='limits-dialog']").click();
        waiting().until(ExpectedConditions.invisibilityOfElementLocated(By.id("limits-dialog")));
        WebElement focused = browser.switchTo().activeElement();
        assertEquals("Limits", focused.getText(), "focus went back to what opened the dialog");
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.xpath("//tbody[@id='keys-body']/tr[td[2]='" + id + "']"),
                "3 requests a minute"));
        int allowed = 0;
        HttpResponse<String> answer = null;
        for (int i = 0; i < 4; i++) {
            answer = gateway.post("/v1/chat/completions", gatewayKey, chat);
            if (answer.statusCode() != 200) {
                break;
            }
            allowed++;
        }
        Gateway.assertOpenAiError(answer, 429, "rate_limit_exceeded");
        assertTrue(allowed <= 3, allowed + " requests passed a limit of 3 a minute");

        // A key created with an expiry is refused from then on.
        field("Name").sendKeys("brief");
        Object expiresAt = ((JavascriptExecutor) browser).executeScript("const d = new Date(Date.now() + 3000), p = n => String(n).padStart(2, '0');"
                + "arguments[0].value = d.getFullYear() + '-' + p(d.getMonth() + 1) + '-' + p(d.getDate()) + 'T' + p(d.getHours()) + ':'"
                + " + p(d.getMinutes()) + ':' + p(d.getSeconds()); return Math.floor(d.getTime() / 1000);", field("Expires (optional)"));
        button("Create key", "//form[@id='create-form']").click();
        String brief = SecretLedger.record(waiting().until(ExpectedConditions.visibilityOfElementLocated(By.id("reveal-key"))).getText());
        button("Done", "//dialog[@id='reveal-dialog']").click();
        WebElement briefRow = waiting().until(ExpectedConditions.visibilityOfElementLocated(By.xpath("//tbody[@id='keys-body']/tr[td[1]='brief']")));
        assertTrue(briefRow.getText().contains(java.time.Instant.ofEpochSecond((Long) expiresAt).toString().replace('T', ' ').replace("Z", " UTC")),
                briefRow.getText());
        Await.until(() -> gateway.get("/v1/key", brief).statusCode() == 401, Duration.ofSeconds(8), "the key expired");
        Gateway.assertOpenAiError(gateway.get("/v1/key", brief), 401, "expired_api_key");

        // The management key's rotation: shown once, and the page goes on with the new one.
        button("Rotate management key", "//header").click();
        waiting().until(ExpectedConditions.visibilityOfElementLocated(By.id("management-dialog")));
        button("Rotate", "//dialog[@id='management-dialog']").click();
        String rotated = SecretLedger.record(waiting().until(ExpectedConditions.visibilityOfElementLocated(By.id("management-key-new"))).getText());
        assertTrue(rotated.startsWith("kwm-"), rotated);
        screenshot("15-management-key-rotated");
        accessible("the new management key, shown once");
        button("Done", "//dialog[@id='management-dialog']").click();
        waiting().until(ExpectedConditions.invisibilityOfElementLocated(By.id("management-dialog")));
        assertFalse(browser.getPageSource().contains(rotated), "the new management key stayed in the page");
        assertEquals("Rotate management key", browser.switchTo().activeElement().getText());
        assertEquals(401, gateway.get("/v1/keys", management).statusCode(), "the old management key still works");
        assertEquals(200, gateway.get("/v1/keys", rotated).statusCode());
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.id("activity-table"), "management_key.rotated"));
        assertEquals("", cspViolations(), "the page broke its Content-Security-Policy");
    }

    @Test
    void aKeyIsRotatedFromItsRowWithAGracePeriodAndBothSecretsServeDuringIt() throws Exception {
        Gateway gateway = keyway.gateway();
        String management = gateway.createAccount("console-rotation");
        String old = SecretLedger.record(gateway.createGatewayKey(management, "sk-or-v1-rotate-" + UUID.randomUUID()));
        String other = SecretLedger.record(gateway.createGatewayKey(management, null));
        String id = old.substring(3, 19);
        browser.get(gateway.baseUrl() + "/console");
        watchForCspViolations();
        field("Management key").sendKeys(management);
        button("Sign in", "//form[@id='sign-in-form']").click();
        WebElement open = waiting().until(ExpectedConditions.visibilityOfElementLocated(
                By.xpath("//tbody[@id='keys-body']/tr[td[2]='" + id + "']//button[text()='Rotate']")));
        assertTrue(open.getAccessibleName().startsWith("Rotate "), open.getAccessibleName());
        open.click();
        waiting().until(ExpectedConditions.visibilityOfElementLocated(By.id("rotate-dialog")));
        assertEquals(browser.findElement(By.id("rotate-secret")), browser.switchTo().activeElement());
        field("Current secret (kw-…)").sendKeys(other);
        button("Rotate key", "//dialog[@id='rotate-dialog']").click();
        waiting().until(ExpectedConditions.textToBePresentInElement(alert("rotate-form"), "not the secret of the key"));
        screenshot("16-rotate-wrong-secret");
        accessible("the rotation dialog");
        field("Current secret (kw-…)").clear();
        field("Current secret (kw-…)").sendKeys(old);
        new org.openqa.selenium.support.ui.Select(field("Grace period for the old secret")).selectByVisibleText("5 minutes");
        button("Rotate key", "//dialog[@id='rotate-dialog']").click();
        String fresh = SecretLedger.record(waiting().until(ExpectedConditions.visibilityOfElementLocated(By.id("reveal-key"))).getText());
        assertTrue(fresh.startsWith("kw-" + id + "_") && !fresh.equals(old), "the same key with a new secret");
        assertEquals("", browser.findElement(By.id("rotate-secret")).getAttribute("value"), "the old secret stayed in the dialog's field");
        button("Done", "//dialog[@id='reveal-dialog']").click();
        waiting().until(ExpectedConditions.invisibilityOfElementLocated(By.id("reveal-dialog")));
        assertEquals("Rotate", browser.switchTo().activeElement().getText(), "focus went back to the row's Rotate");
        assertFalse(browser.getPageSource().contains(fresh) || browser.getPageSource().contains(old), "a secret stayed in the page");

        assertEquals(200, gateway.get("/v1/key", fresh).statusCode(), "the new secret serves");
        assertEquals(200, gateway.get("/v1/key", old).statusCode(), "the old secret serves during its grace");
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.id("activity-table"), "gateway_key.rotated"));
        assertEquals("", cspViolations(), "the page broke its Content-Security-Policy");
    }

    @Test
    void theKeyboardAloneSignsInSetsALimitAndFocusComesBackToWhatOpenedTheDialog() throws Exception {
        Gateway gateway = keyway.gateway();
        String management = gateway.createAccount("console-keyboard");
        String gatewayKey = SecretLedger.record(gateway.createGatewayKey(management, null));
        String id = gatewayKey.substring(3, 19);
        browser.get(gateway.baseUrl() + "/console");
        // The page shown, its scripts run and the document holding the keyboard's focus before the first key: a Tab
        // pressed earlier went nowhere on a slow machine (focus read as empty).
        waiting().until(ExpectedConditions.visibilityOfElementLocated(By.id("management-key")));
        waiting().until(driver -> Boolean.TRUE.equals(((org.openqa.selenium.JavascriptExecutor) driver)
                .executeScript("return document.readyState === 'complete' && document.hasFocus()")));
        org.openqa.selenium.interactions.Actions keys = new org.openqa.selenium.interactions.Actions(browser);
        // Tab from the top of the page reaches the field; Enter submits.
        keys.sendKeys(org.openqa.selenium.Keys.TAB).perform();
        assertEquals("management-key", browser.switchTo().activeElement().getAttribute("id"));
        keys.sendKeys(management).sendKeys(org.openqa.selenium.Keys.ENTER).perform();
        waiting().until(ExpectedConditions.visibilityOfElementLocated(By.id("keys-table")));
        assertEquals("key-name", browser.switchTo().activeElement().getAttribute("id"), "focus moved to the first thing to do");

        // Shift+Tab back from the create form walks the keys table's buttons: the row's Limits is among them.
        WebElement limits = browser.findElement(By.xpath("//tbody[@id='keys-body']/tr[td[2]='" + id + "']//button[text()='Limits']"));
        for (int i = 0; i < 10 && !limits.equals(browser.switchTo().activeElement()); i++) {
            keys.keyDown(org.openqa.selenium.Keys.SHIFT).sendKeys(org.openqa.selenium.Keys.TAB).keyUp(org.openqa.selenium.Keys.SHIFT).perform();
        }
        assertEquals(limits, browser.switchTo().activeElement(), "Shift+Tab reached the row's Limits");
        keys.sendKeys(org.openqa.selenium.Keys.ENTER).perform();
        waiting().until(ExpectedConditions.visibilityOfElementLocated(By.id("limits-dialog")));
        assertEquals("limit-rpm", browser.switchTo().activeElement().getAttribute("id"));
        keys.sendKeys("5").sendKeys(org.openqa.selenium.Keys.ENTER).perform();
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.id("limits-status"), "Saved: 5 requests a minute."));
        keys.sendKeys(org.openqa.selenium.Keys.ESCAPE).perform();
        waiting().until(ExpectedConditions.invisibilityOfElementLocated(By.id("limits-dialog")));
        WebElement back = browser.switchTo().activeElement();
        assertEquals("Limits", back.getText());
        assertTrue(back.getAccessibleName().startsWith("Limits of "), back.getAccessibleName());
        assertTrue(gateway.get("/v1/keys/" + id, management).body().contains("\"requests_per_minute\":5"), "the limit was saved");
    }

    @Test
    void aRefusedOpenRouterKeyIsSaidNextToTheForm() throws Exception {
        Gateway gateway = keyway.gateway();
        String management = gateway.createAccount("console-errors");
        browser.get(gateway.baseUrl() + "/console");
        field("Management key").sendKeys(management);
        button("Sign in", "//form[@id='sign-in-form']").click();
        waiting().until(ExpectedConditions.visibilityOfElementLocated(By.id("create-form")));

        field("Name").sendKeys("bad key");
        field("Associate a 3rd Party API key").sendKeys("has spaces in it");
        button("Create key", "//form[@id='create-form']").click();

        waiting().until(ExpectedConditions.textToBePresentInElement(alert("create-form"), "was not created"));
        assertTrue(alert("create-form").getText().contains("8 to 1024 printable ASCII characters without spaces"), alert("create-form").getText());
        assertTrue(browser.findElement(By.id("keys-empty")).isDisplayed(), "no key was created");
        screenshot("09-refused-openrouter-key");
        accessible("the create form with its error");
    }

    @Test
    void thePageAllowsNoInlineScriptNoFramingAndNoSniffing() {
        Gateway gateway = keyway.gateway();

        HttpResponse<String> page = gateway.get("/console", null);

        assertEquals(200, page.statusCode());
        String policy = page.headers().firstValue("Content-Security-Policy").orElse("");
        assertTrue(policy.contains("script-src 'self'") && policy.contains("frame-ancestors 'none'") && policy.contains("default-src 'none'"), policy);
        assertFalse(policy.contains("unsafe-inline") || policy.contains("unsafe-eval"), policy);
        assertEquals("nosniff", page.headers().firstValue("X-Content-Type-Options").orElse(""));
        assertEquals("no-referrer", page.headers().firstValue("Referrer-Policy").orElse(""));
        assertTrue(page.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
        String html = page.body();
        assertFalse(html.matches("(?s).*<script(?![^>]*\\ssrc=)[^>]*>.*"), "an inline script");
        assertFalse(html.matches("(?s).*\\son[a-z]+=.*"), "an inline event handler");
        assertFalse(html.matches("(?s).*\\sstyle=.*"), "an inline style");
        assertFalse(html.contains("http://") || html.contains("https://"), "an asset from another origin");
        assertEquals(200, gateway.get("/console/console.js", null).statusCode());
        assertEquals(200, gateway.get("/console/console.css", null).statusCode());
        HttpResponse<String> chart = gateway.get("/console/uPlot.iife.min.js", null);
        assertEquals(200, chart.statusCode());
        assertTrue(chart.body().contains("uPlot"), "the chart library is served from the jar");
        assertEquals(200, gateway.get("/console/uPlot.min.css", null).statusCode());
    }
}
