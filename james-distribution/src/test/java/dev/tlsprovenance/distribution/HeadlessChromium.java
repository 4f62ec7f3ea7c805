package dev.tlsprovenance.distribution;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import java.util.List;
import java.util.logging.Level;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * Debian's Chromium, headless, driven by Debian's chromedriver named explicitly (Selenium Manager never downloads
 * anything). The browser may resolve no host name but loopback and does none of its background networking, so a
 * test page can reach nothing beyond 127.0.0.1.
 */
final class HeadlessChromium {
    static final Path CHROMIUM = Path.of(System.getProperty("tlsprovenance.chromium", "/usr/bin/chromium"));
    static final Path CHROMEDRIVER = Path.of(System.getProperty("tlsprovenance.chromedriver", "/usr/bin/chromedriver"));

    private HeadlessChromium() {
    }

    /**
     * Skips the calling test class when Chromium or chromedriver is missing, or fails it when the browser is required:
     * {@code -Dinterop.required=true} (as {@code .ci/run} passes) or the {@code CI} environment variable is set.
     */
    static void requireOrSkip() {
        if (Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER)) {
            return;
        }
        String why = "headless Chromium needs " + CHROMIUM + " and " + CHROMEDRIVER
            + " (Debian: apt-get install chromium chromium-driver; .ci/run installs them)";
        if (Boolean.getBoolean("interop.required") || System.getenv("CI") != null) {
            fail("required but missing: " + why);
        }
        Assumptions.assumeTrue(false, "skipped: " + why);
    }

    static ChromeDriver start(Path profile) throws IOException {
        Files.createDirectories(profile);
        // Selenium Manager is only asked when the driver or the browser is not named; both are.
        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
        ChromeDriverService service = new ChromeDriverService.Builder()
            .usingDriverExecutable(CHROMEDRIVER.toFile())
            .usingAnyFreePort()
            .withLogFile(profile.resolve("chromedriver.log").toFile())
            .build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
            "--window-size=1500,1100", "--user-data-dir=" + profile.toAbsolutePath(), "--no-first-run",
            "--no-default-browser-check", "--disable-extensions", "--disable-background-networking", "--disable-component-update",
            "--disable-default-apps", "--disable-sync", "--disable-features=Translate,OptimizationHints,MediaRouter",
            "--no-pings", "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost , EXCLUDE 127.0.0.1");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability(ChromeOptions.LOGGING_PREFS, logs);
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(20));
        return driver;
    }

    /**
     * The console lines since the last call that say a script failed or the Content Security Policy blocked something
     * (a refused 401 or 404 fetch is logged too, and is not such a line).
     */
    static List<String> scriptProblems(ChromeDriver driver) {
        return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
            .map(LogEntry::getMessage)
            .filter(message -> message.contains("Content Security Policy") || message.contains("Uncaught")
                || message.contains("TypeError") || message.contains("ReferenceError"))
            .collect(Collectors.toList());
    }

    /** Saves what the browser shows as {@code target/dashboard-NAME.png} (the module's target directory). */
    static void screenshot(ChromeDriver driver, String name) throws IOException {
        Path target = Path.of("target", "dashboard-" + name + ".png");
        Files.createDirectories(target.getParent());
        Files.write(target, ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
    }
}
