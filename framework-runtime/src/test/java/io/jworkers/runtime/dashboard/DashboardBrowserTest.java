package io.jworkers.runtime.dashboard;

import static io.jworkers.runtime.testing.WorkerDirs.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jworkers.runtime.testing.Http;
import io.jworkers.runtime.testing.ServeHarness;
import io.jworkers.runtime.testing.WorkerDirs;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in a real headless Chromium against a real {@code serve} host with the three
 * example workers deployed: login (a wrong token refused), the workers with their bindings both
 * ways, a rollback from the page that the next request sees, a POST without the CSRF token
 * refused with nothing changed, the live-logs panel, the hosts, logout. Saves a screenshot of each
 * view under target/screenshots, and under docs/images with {@code -Djworkers.screenshots=docs}.
 */
class DashboardBrowserTest {

    private static final String SECRET_TOKEN = "example-secret-token";

    @TempDir
    Path state;
    @TempDir
    Path work;
    private ServeHarness serve;
    private ChromeDriver browser;
    private WebDriverWait wait;

    @BeforeEach
    void start() {
        serve = ServeHarness.start(state, work);
        browser = Browser.start(Browser.profile(work));
        wait = new WebDriverWait(browser, Duration.ofSeconds(60));
    }

    @AfterEach
    void stop() {
        if (browser != null) {
            browser.quit();
        }
        serve.close();
    }

    private void deployExamples() {
        Path application1 = application("application-v1", "Hello from version 1");
        Path application2 = application("application-v2", "Hello from version 2");
        Path auth = WorkerDirs.config(work, "auth", """
                { "name": "auth", "classpath": [%s], "secrets": { "required": ["SECRET_TOKEN"] } }
                """.formatted(json(ExampleWorkers.classes("auth"))));
        Path gateway = ExampleWorkers.gatewayConfig(work);
        ok(serve.cli("", "deploy", "-c", application1.toString(), "--message", "first greeting"));
        ok(serve.cli("", "deploy", "-c", application2.toString(), "--message", "second greeting"));
        ok(serve.cli(SECRET_TOKEN + "\n", "secret", "put", "auth", "SECRET_TOKEN", "--create"));
        ok(serve.cli("", "deploy", "-c", auth.toString()));
        ok(serve.cli("", "deploy", "-c", gateway.toString()));
    }

    private Path application(String folder, String greeting) {
        return WorkerDirs.config(work, folder, """
                { "name": "application", "classpath": [%s], "vars": { "GREETING": "%s", "MAX_NOTE_LENGTH": 280 } }
                """.formatted(json(ExampleWorkers.classes("application")), greeting));
    }

    private static void ok(ServeHarness.Cli cli) {
        assertEquals(0, cli.code(), cli.out() + cli.err());
    }

    private String greeting() {
        var response = Http.get(serve.url() + "/", "x-custom-token", SECRET_TOKEN);
        assertEquals(200, response.statusCode(), response.body());
        return response.body().replaceAll("(?s).*\"greeting\":\"([^\"]*)\".*", "$1");
    }

    private void logIn() {
        browser.get(serve.adminUrl() + "/");
        wait.until(ExpectedConditions.urlToBe(serve.adminUrl() + "/ui/login"));
        browser.findElement(By.id("token")).sendKeys(ServeHarness.TOKEN);
        browser.findElement(By.id("login")).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("workers")));
    }

    @Test
    void theExamplesTheirBindingsBothWaysARollbackAndCsrf() throws Exception {
        deployExamples();
        // Real traffic for the host's own statistics: only the public worker is counted per request.
        for (int i = 0; i < 40; i++) {
            assertEquals("Hello from version 2", greeting());
        }

        // A wrong token is refused with a message and no session.
        browser.get(serve.adminUrl() + "/");
        wait.until(ExpectedConditions.urlToBe(serve.adminUrl() + "/ui/login"));
        screenshot("login");
        browser.findElement(By.id("token")).sendKeys("not-the-admin-token");
        browser.findElement(By.id("login")).click();
        assertEquals("Wrong admin token: use the token of --token-file or JWORKERS_ADMIN_TOKEN.",
                wait.until(ExpectedConditions.presenceOfElementLocated(By.id("login-error"))).getText());
        assertEquals(null, browser.manage().getCookieNamed(Dashboard.COOKIE));

        logIn();
        Cookie cookie = browser.manage().getCookieNamed(Dashboard.COOKIE);
        assertTrue(cookie.isHttpOnly(), "HttpOnly");
        assertEquals("Strict", cookie.getSameSite());
        assertFalse(cookie.isSecure(), "not Secure over plain http");

        // Workers: all three, with versions, bindings and who binds them, traffic or "no traffic yet".
        Map<String, String> rows = browser.findElements(By.cssSelector("table.workers tbody tr")).stream().collect(
                Collectors.toMap(row -> row.getAttribute("data-worker") + "/" + row.getAttribute("data-env"), WebElement::getText));
        assertEquals(List.of("application/production", "auth/production", "gateway/production"), rows.keySet().stream().sorted().toList());
        assertTrue(rows.get("gateway/production").matches("gateway production v1 running /\\* AUTH → auth\nAPPLICATION → application\n"
                + "APPLICATION_ADMIN → application#Admin none\nv1 [0-9.]+ req/s · 0(\\.0)? % errors · p50 [0-9.]+ ms · p99 [0-9.]+ ms"),
                rows.get("gateway/production"));
        assertEquals("application production v2 running private none gateway.APPLICATION\ngateway.APPLICATION_ADMIN no traffic yet",
                rows.get("application/production"));
        assertEquals("auth production v1 running private none gateway.AUTH no traffic yet", rows.get("auth/production"));
        screenshot("workers");

        // The gateway: what it binds, connected, and its traffic charts.
        browser.findElement(By.linkText("gateway")).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("binds")));
        assertEquals(List.of("AUTH auth production default connected", "APPLICATION application production default connected",
                "APPLICATION_ADMIN application production Admin connected"), texts("#binds tbody tr"));
        assertEquals("No worker binds to gateway in production.", browser.findElement(By.cssSelector("#bound-services p")).getText());
        wait.until(driver -> driver.findElements(By.cssSelector("#traffic .uplot")).size() == 4);
        screenshot("worker");

        // The application: who binds it, its settings (secret names only elsewhere), its versions.
        browser.get(serve.adminUrl() + "/ui/workers/application?env=production");
        assertEquals(List.of("gateway production APPLICATION default connected", "gateway production APPLICATION_ADMIN Admin connected"),
                texts("#bound-by tbody tr"));
        assertEquals(List.of("GREETING Hello from version 2", "MAX_NOTE_LENGTH 280"), texts("#vars tr"));
        assertEquals("2", browser.findElement(By.id("current-version")).getText());

        // A POST without the CSRF token, from the logged-in page itself: 403, nothing changes.
        Object status = browser.executeAsyncScript("""
                var done = arguments[arguments.length - 1];
                fetch('/ui/workers/application/rollback', {method: 'POST', credentials: 'same-origin',
                    headers: {'content-type': 'application/x-www-form-urlencoded'}, body: 'env=production&version=1'})
                  .then(function (r) { return r.text().then(function (t) { done(r.status + ' ' + t.trim()); }); });
                """);
        assertEquals("403 Refused: missing or wrong CSRF token; reload the page and try again", status);
        assertEquals(2, serve.serve().store().currentNumber("application", "production").orElseThrow());
        assertEquals("Hello from version 2", greeting());

        // The rollback from the page: the next request meets version 1.
        browser.findElement(By.id("rollback-1")).click();
        assertEquals("Rolled back application in production: version 1 is current",
                wait.until(ExpectedConditions.presenceOfElementLocated(By.id("flash"))).getText());
        assertEquals("1", browser.findElement(By.id("current-version")).getText());
        assertEquals("Hello from version 1", greeting());

        // Live logs: the gateway's panel listens to the host's real tail; a request appears in it.
        browser.get(serve.adminUrl() + "/ui/workers/gateway?env=production");
        browser.findElement(By.id("start-logs")).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("log-lines")));
        io.jworkers.runtime.testing.Await.until(() -> serve.serve().tails().listening() == 1);
        assertEquals("Hello from version 1", greeting());
        String line = wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#log-lines .log-event"))).getText();
        assertTrue(line.startsWith("ok gateway@production/1 GET http://"), line);
        assertTrue(line.contains("/ → 200"), line);
        browser.get(serve.adminUrl() + "/ui/workers/application?env=production");
        // The whole page: versions, bound services, settings, live logs.
        long height = (Long) browser.executeScript("return document.documentElement.scrollHeight");
        browser.manage().window().setSize(new org.openqa.selenium.Dimension(1280, (int) Math.min(height + 20, 3000)));
        screenshot("worker-deployments");
        browser.manage().window().setSize(new org.openqa.selenium.Dimension(1280, 1000));

        // The auth worker's secret shows by name only.
        browser.get(serve.adminUrl() + "/ui/workers/auth?env=production");
        String secrets = browser.findElement(By.id("secrets")).getText();
        assertEquals("SECRET_TOKEN required (value hidden)", secrets);
        assertFalse(browser.getPageSource().contains(SECRET_TOKEN), "the secret's value never reaches the page");

        browser.findElement(By.linkText("Hosts")).click();
        assertEquals(1, wait.until(ExpectedConditions.presenceOfElementLocated(By.id("hosts")))
                .findElements(By.cssSelector("tbody tr")).size());
        screenshot("hosts");

        browser.findElement(By.id("logout")).click();
        wait.until(ExpectedConditions.urlToBe(serve.adminUrl() + "/ui/login"));
        browser.get(serve.adminUrl() + "/");
        wait.until(ExpectedConditions.urlToBe(serve.adminUrl() + "/ui/login"));

        // The admin API's bearer routes work as before, and do not accept the session alone.
        assertEquals(200, Http.get(serve.adminUrl() + "/v1/services", "authorization", "Bearer " + ServeHarness.TOKEN).statusCode());
        assertEquals(401, Http.get(serve.adminUrl() + "/v1/services", "cookie", Dashboard.COOKIE + "=" + cookie.getValue())
                .statusCode());
    }

    private List<String> texts(String css) {
        return browser.findElements(By.cssSelector(css)).stream().map(WebElement::getText).toList();
    }

    private void screenshot(String view) throws IOException {
        Browser.screenshot(browser, view);
    }
}
