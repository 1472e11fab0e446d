package io.jworkers.runtime.dashboard;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's Chromium, headless, driven by Debian's chromedriver: both named by path so that
 * Selenium Manager never downloads a browser or a driver. Without them the tests fail and say
 * how to install them; they do not skip, since a skipped browser test proves nothing.
 */
final class Browser {

    static final Path CHROMIUM = Path.of(System.getProperty("jworkers.chromium", "/usr/bin/chromium"));
    static final Path CHROMEDRIVER = Path.of(System.getProperty("jworkers.chromedriver", "/usr/bin/chromedriver"));
    private static final Path REPO = Path.of(System.getProperty("jworkers.repo.root", "..")).toAbsolutePath().normalize();

    private Browser() {
    }

    static ChromeDriver start(Path profile) {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            throw new AssertionError("The dashboard tests drive a real headless Chromium: " + CHROMIUM + " and "
                    + CHROMEDRIVER + " must exist. Install them with: sudo apt-get install chromium chromium-driver"
                    + " (Debian/Ubuntu; .ci/run does it)");
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + profile, "--window-size=1280,1000", "--force-device-scale-factor=1");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60));
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
        driver.manage().window().setSize(new Dimension(1280, 1000));
        return driver;
    }

    /**
     * Saves a screenshot of the page as target/screenshots/dashboard-VIEW.png, and under
     * docs/images with {@code -Djworkers.screenshots=docs}.
     */
    static void screenshot(ChromeDriver driver, String view) throws IOException {
        Path png = driver.getScreenshotAs(OutputType.FILE).toPath();
        Path target = Files.createDirectories(Path.of("target", "screenshots")).resolve("dashboard-" + view + ".png");
        Files.copy(png, target, StandardCopyOption.REPLACE_EXISTING);
        if ("docs".equals(System.getProperty("jworkers.screenshots"))) {
            Files.copy(png, Files.createDirectories(REPO.resolve("docs/images")).resolve("dashboard-" + view + ".png"),
                    StandardCopyOption.REPLACE_EXISTING);
        }
    }

    static Path profile(Path parent) {
        try {
            return Files.createTempDirectory(parent, "chromium-profile");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
