package io.github.keycloakobo.it;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;
import org.opentest4j.AssertionFailedError;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A headless Debian {@code chromium} driven through Debian's {@code /usr/bin/chromedriver} (packages {@code chromium}
 * and {@code chromium-driver}: the one prerequisite of the tests that Maven cannot fetch; {@code .ci/run} installs
 * them). Both paths are given explicitly ({@code -Dobo.it.chromium}, {@code -Dobo.it.chromedriver} change them), so
 * Selenium Manager never runs and nothing is downloaded. Without them a test that needs the browser fails (never
 * skips) with the command that installs them. Each browser gets a fresh profile directory, removed on
 * {@link #close()}.
 */
public final class Browser implements AutoCloseable {

    public static final Path CHROMIUM = Paths.get(System.getProperty("obo.it.chromium", "/usr/bin/chromium"));
    public static final Path CHROMEDRIVER = Paths.get(System.getProperty("obo.it.chromedriver",
            "/usr/bin/chromedriver"));
    /** What installs the browser, in every failure that a missing or broken browser causes. */
    public static final String INSTALL = "apt-get install chromium chromium-driver";
    /** Where screenshots go (under Maven's target/). */
    public static final Path SCREENSHOTS = Paths.get("target", "admin-console").toAbsolutePath();

    private final WebDriver driver;
    private final ChromeDriverService service;
    private final Path profile;
    private final WebDriverWait wait;

    private Browser(WebDriver driver, ChromeDriverService service, Path profile) {
        this.driver = driver;
        this.service = service;
        this.profile = profile;
        this.wait = new WebDriverWait(driver, Duration.ofSeconds(60));
    }

    /**
     * Starts a browser whose preferred language is {@code language} (e.g. "en", "de"). Fails with a clear message when
     * chromium or chromedriver is missing: the test must not pass without a browser.
     */
    public static Browser start(String language) {
        requireInstalled();
        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
        Path profile;
        try {
            profile = Files.createTempDirectory("obo-it-chromium-");
        } catch (IOException e) {
            throw new IllegalStateException("cannot create a browser profile directory", e);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--user-data-dir=" + profile, "--window-size=1400,1000", "--lang=" + language);
        options.setExperimentalOption("prefs", Map.of("intl.accept_languages", language));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        try {
            return new Browser(new ChromeDriver(service, options), service, profile);
        } catch (org.openqa.selenium.WebDriverException e) {
            service.stop();
            deleteQuietly(profile);
            String first = String.valueOf(e.getMessage()).lines().findFirst().orElse("");
            throw new AssertionFailedError(CHROMIUM + " did not start through " + CHROMEDRIVER + " (" + first
                    + "): the two must be Debian's matching chromium and chromium-driver packages. (Re)install them "
                    + "with: " + INSTALL, e);
        } catch (RuntimeException e) {
            service.stop();
            deleteQuietly(profile);
            throw e;
        }
    }

    /**
     * Fails (an assertion failure, not a skip) when chromium or chromedriver is not there, naming what is missing and
     * the command that installs both. Cheap: call it before any work a test would waste without a browser.
     */
    public static void requireInstalled() {
        java.util.List<String> missing = new java.util.ArrayList<>();
        if (!Files.isExecutable(CHROMIUM)) {
            missing.add(CHROMIUM + " (Debian package chromium)");
        }
        if (!Files.isExecutable(CHROMEDRIVER)) {
            missing.add(CHROMEDRIVER + " (Debian package chromium-driver)");
        }
        if (!missing.isEmpty()) {
            throw new AssertionFailedError("This test drives a real browser, and " + String.join(" and ", missing)
                    + (missing.size() == 1 ? " is" : " are") + " missing. Install them with: " + INSTALL
                    + " (as root; .ci/run does this), or point -Dobo.it.chromium / -Dobo.it.chromedriver at them.");
        }
    }

    /**
     * {@code @ExtendWith(Browser.Required.class)} on a test class that needs the browser: {@link #requireInstalled()}
     * before anything else of the class runs (its {@code @BeforeAll} methods and the test server included).
     */
    public static final class Required implements org.junit.jupiter.api.extension.BeforeAllCallback {
        @Override
        public void beforeAll(org.junit.jupiter.api.extension.ExtensionContext context) {
            requireInstalled();
        }
    }

    public WebDriver driver() {
        return driver;
    }

    /** Loads {@code url} afresh (a hash-only change would leave a single-page app in its current state). */
    public void open(String url) {
        driver.get("about:blank");
        driver.get(url);
    }

    /** Logs in to the master realm's admin console at {@code baseUrl} and waits for the console. */
    public void loginToAdminConsole(String baseUrl, String username, String password) {
        driver.get(baseUrl + "/admin/master/console/");
        visible(By.id("username")).sendKeys(username);
        driver.findElement(By.id("password")).sendKeys(password);
        driver.findElement(By.id("kc-login")).click();
        // back in the console (not on a login page any more), and the console has rendered its page
        wait.until(d -> {
            String url = d.getCurrentUrl();
            return url != null && url.startsWith(baseUrl + "/admin/master/console/") && !url.contains("login-actions");
        });
        visible(By.cssSelector("main"));
    }

    public WebElement visible(By by) {
        return wait.until(ExpectedConditions.visibilityOfElementLocated(by));
    }

    public WebElement clickable(By by) {
        return wait.until(ExpectedConditions.elementToBeClickable(by));
    }

    /**
     * Types {@code text} into an empty input and waits until the page shows it; types again if the page re-rendered
     * the input meanwhile (React forms may reset themselves right after a field appears).
     */
    public void type(By by, String text) {
        for (int attempt = 1; ; attempt++) {
            WebElement input = visible(by);
            input.sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.DELETE); // clear() bypasses React's change events
            input.sendKeys(text);
            try {
                new WebDriverWait(driver, Duration.ofSeconds(2)).until(d -> {
                    try {
                        return text.equals(d.findElement(by).getAttribute("value"));
                    } catch (org.openqa.selenium.StaleElementReferenceException e) {
                        return false;
                    }
                });
                Thread.sleep(300);
                if (text.equals(visible(by).getAttribute("value"))) {
                    return;
                }
            } catch (org.openqa.selenium.TimeoutException e) {
                // typed again below
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            if (attempt == 3) {
                throw new IllegalStateException("could not type into " + by + ": it shows '"
                        + visible(by).getAttribute("value") + "'");
            }
        }
    }

    public void click(By by) {
        clickable(by).click();
    }

    public void waitGone(By by) {
        wait.until(ExpectedConditions.invisibilityOfElementLocated(by));
    }

    public static By testId(String id) {
        return By.cssSelector("[data-testid='" + id + "']");
    }

    /** Saves a PNG of the page under target/admin-console/ and answers its path (null if that failed). */
    public Path screenshot(String name) {
        try {
            Files.createDirectories(SCREENSHOTS);
            File shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
            Path target = SCREENSHOTS.resolve(name + ".png");
            Files.copy(shot.toPath(), target, StandardCopyOption.REPLACE_EXISTING);
            Files.writeString(SCREENSHOTS.resolve(name + ".html"), driver.getPageSource());
            return target;
        } catch (IOException | RuntimeException e) {
            System.err.println("[AdminConsoleIT] screenshot " + name + " failed: " + e);
            return null;
        }
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            service.stop();
            deleteQuietly(profile);
        }
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | RuntimeException ignored) {
            // a temp directory left behind is harmless
        }
    }
}
