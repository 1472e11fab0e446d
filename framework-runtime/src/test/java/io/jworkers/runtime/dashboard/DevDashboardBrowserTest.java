package io.jworkers.runtime.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jworkers.runtime.testing.ForkedHost;
import io.jworkers.runtime.testing.Http;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard of {@code jworkers dev} in a real headless Chromium: dev runs the three examples in
 * a JVM of its own, as a user starts it, and the browser opens the dashboard URL its Ready line
 * prints. No login; the workers with their bindings both ways; no rollback, split or promote (dev
 * does not deploy); a request through the gateway appears in the gateway's live logs. Saves
 * a screenshot of the gateway's page as {@link DashboardBrowserTest} does ({@code dashboard-dev-worker.png}).
 */
class DevDashboardBrowserTest {

    private static final String SECRET_TOKEN = "dev-browser-token";
    private static final Pattern DASHBOARD = Pattern.compile(
            "^Ready on http://127\\.0\\.0\\.1:\\d+ \\(workers reload when their classes change\\); dashboard on"
                    + " (http://127\\.0\\.0\\.1:\\d+/) \\(metrics at /metrics\\)$");

    @TempDir
    Path work;
    private ForkedHost dev;
    private ChromeDriver browser;

    @AfterEach
    void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (dev != null) {
            dev.close();
        }
    }

    @Test
    void devsDashboardShowsItsWorkersBindingsAndLiveLogsWithoutLoginOrDeployments() throws Exception {
        List<String> arguments = new ArrayList<>(List.of("--admin-port", "0"));
        for (Path config : ExampleWorkers.devConfigs(work, SECRET_TOKEN)) {
            arguments.addAll(List.of("-c", config.toString()));
        }
        dev = ForkedHost.dev(List.of(), arguments);
        String ready = dev.output().stream().filter(line -> line.startsWith("Ready on ")).findFirst().orElseThrow();
        Matcher printed = DASHBOARD.matcher(ready);
        assertTrue(printed.matches(), ready);
        String dashboard = printed.group(1);

        browser = Browser.start(Browser.profile(work));
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(60));

        // No login: the printed URL opens the workers at once, without a logout button.
        browser.get(dashboard);
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("workers")));
        assertEquals(dashboard, browser.getCurrentUrl());
        assertTrue(browser.findElements(By.id("logout")).isEmpty(), "no logout without a login");
        Map<String, String> rows = browser.findElements(By.cssSelector("table.workers tbody tr")).stream().collect(
                Collectors.toMap(row -> row.getAttribute("data-worker") + "/" + row.getAttribute("data-env"), WebElement::getText));
        assertEquals(List.of("application/production", "auth/production", "gateway/production"), rows.keySet().stream().sorted().toList());
        assertEquals("gateway production v1 running /* AUTH → auth\nAPPLICATION → application\nAPPLICATION_ADMIN → application#Admin"
                + " none no traffic yet", rows.get("gateway/production"));
        assertEquals("application production v1 running private none gateway.APPLICATION\ngateway.APPLICATION_ADMIN no traffic yet",
                rows.get("application/production"));
        assertEquals("auth production v1 running private none gateway.AUTH no traffic yet", rows.get("auth/production"));

        // The gateway: what it binds, connected; the version dev runs, and no deployment forms.
        browser.findElement(By.linkText("gateway")).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("binds")));
        assertEquals(List.of("AUTH auth production default connected", "APPLICATION application production default connected",
                "APPLICATION_ADMIN application production Admin connected"), texts("#binds tbody tr"));
        assertEquals("No worker binds to gateway in production.", browser.findElement(By.cssSelector("#bound-services p")).getText());
        assertEquals("1", browser.findElement(By.id("current-version")).getText());
        assertNoDeployments();

        // The application: who binds it, both bindings of the gateway; its vars.
        browser.get(dashboard + "ui/workers/application?env=production");
        assertEquals(List.of("gateway production APPLICATION default connected", "gateway production APPLICATION_ADMIN Admin connected"),
                texts("#bound-by tbody tr"));
        assertEquals(List.of("GREETING Hello from dev", "MAX_NOTE_LENGTH 280"), texts("#vars tr"));
        assertNoDeployments();

        // auth: its secret by name only.
        browser.get(dashboard + "ui/workers/auth?env=production");
        assertEquals("SECRET_TOKEN required (value hidden)", browser.findElement(By.id("secrets")).getText());
        assertFalse(browser.getPageSource().contains(SECRET_TOKEN), "the secret's value never reaches the page");

        // Live logs: the gateway's panel listens to dev's tail; a request through the gateway appears.
        browser.get(dashboard + "ui/workers/gateway?env=production");
        browser.findElement(By.id("start-logs")).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("log-lines")));
        // The panel's stream connects in the background; requests before it listens are not shown,
        // so each poll sends one more until a line appears.
        String line = wait.until(driver -> {
            var response = Http.get(dev.url() + "/", "x-custom-token", SECRET_TOKEN);
            assertEquals(200, response.statusCode(), response.body());
            List<WebElement> events = driver.findElements(By.cssSelector("#log-lines .log-event"));
            return events.isEmpty() ? null : events.get(0).getText();
        });
        assertTrue(line.startsWith("ok gateway@production/1 GET http://127.0.0.1:"), line);
        assertTrue(line.contains("/ → 200"), line);
        assertEquals("any host name: jworkers dev does not look at host names", browser.findElement(By.id("host-names")).getText());
        browser.executeScript("window.scrollTo(0, 0)");
        // The whole page: the window's frame takes some of its height, so it is added.
        long height = (Long) browser.executeScript("return document.documentElement.scrollHeight"
                + " + window.outerHeight - window.innerHeight");
        browser.manage().window().setSize(new org.openqa.selenium.Dimension(1280, (int) Math.min(height + 20, 3000)));
        Browser.screenshot(browser, "dev-worker");
        browser.manage().window().setSize(new org.openqa.selenium.Dimension(1280, 1000));

        // The hosts page says what dev is.
        browser.findElement(By.linkText("Hosts")).click();
        assertEquals(1, wait.until(ExpectedConditions.presenceOfElementLocated(By.id("hosts")))
                .findElements(By.cssSelector("tbody tr")).size());
        assertEquals("jworkers dev runs the workers of your build folders in this one process; it keeps no state.",
                browser.findElement(By.id("store")).getText());
    }

    // Dev runs the workers from their build folders: no rollback, split or promote, and it says why.
    private void assertNoDeployments() {
        assertTrue(browser.findElements(By.cssSelector("form")).isEmpty(), browser.getPageSource());
        assertTrue(browser.findElements(By.cssSelector("button.rollback, #split, #promote")).isEmpty());
        assertEquals("jworkers dev runs the workers from their build folders and reloads them when their classes change;"
                + " rollback, split and promote are for versions deployed to jworkers serve.",
                browser.findElement(By.id("no-deployments")).getText());
        assertEquals(List.of("current"), browser.findElements(By.cssSelector("#versions tbody tr td:last-child")).stream()
                .map(WebElement::getText).toList());
    }

    private List<String> texts(String css) {
        return browser.findElements(By.cssSelector(css)).stream().map(WebElement::getText).toList();
    }
}
