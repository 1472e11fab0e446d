package io.jworkers.runtime.dashboard;

import static io.jworkers.runtime.testing.WorkerDirs.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jworkers.runtime.testing.Await;
import io.jworkers.runtime.testing.Fixtures;
import io.jworkers.runtime.testing.ForkedHost;
import io.jworkers.runtime.testing.Http;
import io.jworkers.runtime.testing.PostgresServer;
import io.jworkers.runtime.testing.ServeHarness;
import io.jworkers.runtime.testing.WorkerDirs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard's deployment actions in a real headless Chromium: a traffic split deployed from
 * a worker's page (and a bad one refused with nothing changed), a promotion from production to
 * staging that staging then serves, and the hosts of a cluster on a real PostgreSQL, each with
 * the revision it serves.
 */
class DashboardDeploymentsBrowserTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path work;
    private ServeHarness serve;
    private ChromeDriver browser;
    private WebDriverWait wait;

    @BeforeEach
    void startBrowser() {
        browser = Browser.start(Browser.profile(work));
        wait = new WebDriverWait(browser, Duration.ofSeconds(60));
    }

    @AfterEach
    void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (serve != null) {
            serve.close();
        }
    }

    private ServeHarness startServe() throws IOException {
        return ServeHarness.start(Files.createDirectories(work.resolve("state")), Files.createDirectories(work.resolve("scratch")));
    }

    /** The backend fixture's build v1 or v2 (its fetch answers "v1" or "v2"), public on every path, also in staging. */
    private Path backend(String build) {
        return WorkerDirs.config(work, "backend-" + build, """
                { "name": "backend", "classpath": [%s], "routes": ["/*"], "env": { "staging": {} } }
                """.formatted(json(Fixtures.classes("backend-" + build))));
    }

    private void deploy(String build, String... more) {
        List<String> args = new ArrayList<>(List.of("deploy", "-c", backend(build).toString()));
        args.addAll(List.of(more));
        ServeHarness.Cli deployed = serve.cli("", args.toArray(String[]::new));
        assertEquals(0, deployed.code(), deployed.out() + deployed.err());
    }

    private void logIn(String adminUrl) {
        browser.get(adminUrl + "/");
        wait.until(ExpectedConditions.urlToBe(adminUrl + "/ui/login"));
        browser.findElement(By.id("token")).sendKeys(ServeHarness.TOKEN);
        browser.findElement(By.id("login")).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("workers")));
    }

    private String versionsJson() {
        HttpResponse<String> versions = Http.get(serve.adminUrl() + "/v1/workers/backend/versions",
                "authorization", "Bearer " + ServeHarness.TOKEN);
        assertEquals(200, versions.statusCode(), versions.body());
        return versions.body();
    }

    // Submits a form and waits for the page it redirects to (a new document: the old flash is gone).
    private String submit(String button) {
        WebElement old = browser.findElement(By.tagName("html"));
        browser.findElement(By.id(button)).click();
        wait.until(ExpectedConditions.stalenessOf(old));
        return wait.until(ExpectedConditions.presenceOfElementLocated(By.id("flash"))).getText();
    }

    private List<String> texts(String css) {
        return browser.findElements(By.cssSelector(css)).stream().map(WebElement::getText).toList();
    }

    @Test
    void aSplitDeployedFromTheWorkerPageAndABadOneRefusedWithNothingChanged() throws IOException {
        serve = startServe();
        deploy("v1");
        deploy("v2");
        logIn(serve.adminUrl());
        browser.get(serve.adminUrl() + "/ui/workers/backend?env=production");
        assertEquals("running · version 2", browser.findElement(By.cssSelector("p.summary")).getText());
        assertEquals(List.of("100 %", "-"), texts("table.versions tbody td:nth-child(2)"));

        browser.findElement(By.id("split-versions")).sendKeys("2@30 1@70");
        browser.findElement(By.cssSelector("form.split input[name=message]")).sendKeys("canary of v2");
        assertEquals("Deployed backend in production: 2@30 1@70", submit("split"));
        assertEquals("running · split 2@30 1@70 (canary of v2)", browser.findElement(By.cssSelector("p.summary")).getText());
        assertEquals(List.of("2", "1"), texts("table.versions tbody td:nth-child(1)"));
        assertEquals(List.of("30 %", "70 %"), texts("table.versions tbody td:nth-child(2)"));
        // The admin API's view of the same deployment.
        JsonNode versions = JSON.readTree(versionsJson());
        assertEquals("[{\"version\":2,\"percent\":30},{\"version\":1,\"percent\":70}]", versions.get("split").toString());
        assertEquals("canary of v2", versions.get("splitMessage").asText());

        // 30 + 60 is not 100: refused on the page, the deployment as it was.
        String before = versionsJson();
        browser.findElement(By.id("split-versions")).sendKeys("2@30 1@60");
        assertEquals("Refused: the percentages sum to 90, not 100", submit("split"));
        assertEquals("running · split 2@30 1@70 (canary of v2)", browser.findElement(By.cssSelector("p.summary")).getText());
        assertEquals(List.of("30 %", "70 %"), texts("table.versions tbody td:nth-child(2)"));
        assertEquals(before, versionsJson());
    }

    @Test
    void aVersionPromotedFromProductionToStagingOnThePageIsWhatStagingServes() throws IOException {
        serve = startServe();
        deploy("v1", "--env", "staging");
        deploy("v1");
        deploy("v2");
        assertEquals("v1", Http.get(serve.url() + "/", "host", "staging.localhost").body());
        assertEquals("v2", Http.get(serve.url() + "/").body());

        logIn(serve.adminUrl());
        browser.get(serve.adminUrl() + "/ui/workers/backend?env=production");
        // The version left empty: production's current one; staging the only other environment.
        assertEquals("", browser.findElement(By.cssSelector("form.promote input[name=version]")).getAttribute("value"));
        assertEquals(List.of("staging"), new Select(browser.findElement(By.cssSelector("form.promote select[name=to]")))
                .getOptions().stream().map(WebElement::getText).toList());
        assertEquals("Promoted backend from production to staging: version 2 of staging", submit("promote"));
        assertEquals(serve.adminUrl() + "/ui/workers/backend?env=staging", browser.getCurrentUrl());
        assertEquals("running · version 2", browser.findElement(By.cssSelector("p.summary")).getText());
        assertEquals("Promoted from production version 2",
                browser.findElement(By.cssSelector("table.versions tr[data-version='2'] td:nth-child(5)")).getText());

        assertEquals("v2", Http.get(serve.url() + "/", "host", "staging.localhost").body(), "staging serves production's build");
        assertEquals("v2", Http.get(serve.url() + "/").body());
    }

    @Test
    void theHostsOfASharedStoreEachWithTheRevisionItServes() throws Exception {
        try (PostgresServer postgres = PostgresServer.start(Files.createDirectories(work.resolve("postgres")))) {
            postgres.createDatabase("dashboard");
            String store = "postgresql://" + postgres.user() + "@127.0.0.1:" + postgres.port() + "/dashboard";
            Path token = Files.writeString(work.resolve("token"), ServeHarness.TOKEN);
            Map<String, String> environment = Map.of("PGPASSWORD", postgres.password(), "JWORKERS_SECRET_KEY",
                    Base64.getEncoder().encodeToString("thirty-two bytes of a test key!!".getBytes(StandardCharsets.UTF_8)));
            List<String> jvm = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx256m");
            try (ForkedHost first = ForkedHost.serveStore(jvm, store, work.resolve("cache-0"), token, environment, List.of());
                    ForkedHost second = ForkedHost.serveStore(jvm, store, work.resolve("cache-1"), token, environment, List.of())) {
                for (String build : List.of("v1", "v2")) {
                    ServeHarness.Cli deployed = ServeHarness.cli(first.adminUrl(), token, "", "deploy", "-c", backend(build).toString());
                    assertEquals(0, deployed.code(), deployed.out() + deployed.err());
                }
                // Each host reports the revision it applied with its heartbeat: wait until both told revision 2.
                Await.until(() -> hosts(first).findValues("appliedRevision").stream().filter(r -> r.asLong() == 2).count() == 2);
                JsonNode hosts = hosts(first);
                assertEquals("v2", Http.get(second.url() + "/").body());

                logIn(first.adminUrl());
                browser.findElement(By.linkText("Hosts")).click();
                wait.until(ExpectedConditions.presenceOfElementLocated(By.id("hosts")));
                assertEquals("The hosts below share one PostgreSQL store at revision 2.", browser.findElement(By.id("store")).getText());
                List<String> expected = new ArrayList<>();
                for (JsonNode host : hosts.get("hosts")) {
                    boolean self = host.get("self").asBoolean();
                    // Started, to the second; then the revision it serves, its lag and its last heartbeat.
                    expected.add(Pattern.quote(host.get("id").asText().substring(0, 8) + (self ? " (this host)" : "") + " "
                            + (self ? first : second).adminUrl() + " "
                            + Instant.parse(host.get("startedAt").asText()).truncatedTo(ChronoUnit.SECONDS) + " 2 0 ")
                            + "[0-9.]+ s ago");
                }
                assertEquals(2, expected.size(), hosts.toString());
                List<String> rows = texts("#hosts tbody tr");
                assertEquals(2, rows.size(), rows.toString());
                for (String row : expected) {
                    assertEquals(1, rows.stream().filter(text -> text.matches(row)).count(), row + " in " + rows);
                }
            }
        }
    }

    private static JsonNode hosts(ForkedHost host) {
        HttpResponse<String> hosts = Http.get(host.adminUrl() + "/v1/hosts", "authorization", "Bearer " + ServeHarness.TOKEN);
        assertEquals(200, hosts.statusCode(), hosts.body());
        try {
            return JSON.readTree(hosts.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
