package io.causalkv.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.causalkv.testing.Await;
import io.causalkv.testing.Cluster;
import io.causalkv.testing.Http;
import io.causalkv.transport.FaultyHttpTransport;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The admin page in real headless Chromium (Debian's chromium and chromium-driver, which
 * .ci/run installs): it shows the shards, their members and key counts of a running cluster, and
 * a node stopped during the test turns up as down. It leaves a screenshot in
 * target/admin-page.png (the one in docs/ comes from such a run).
 */
class AdminPageBrowserTest {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    private Cluster cluster;
    private ChromeDriver browser;

    @BeforeEach
    void start() throws Exception {
        boolean installed = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        if (!installed && "true".equals(System.getenv("CI"))) {
            throw new IllegalStateException("CI must install chromium and chromium-driver (.ci/run)");
        }
        assumeTrue(installed, "chromium and chromium-driver are not installed here");
        cluster = Cluster.start(4, FaultyHttpTransport::new, Map.of("SHARD_COUNT", "2"));
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        // Headless, and quiet on a closed network: no background fetches to hosts it cannot reach.
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--window-size=1100,900",
                "--user-data-dir=" + Files.createTempDirectory("causalkv-chromium"));
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
    }

    @AfterEach
    void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    private WebDriverWait waitUpTo(int seconds) {
        // The page re-renders its tables every 2 s: an element read just as it is replaced is
        // stale, and the condition is simply asked again.
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(seconds));
        wait.ignoring(StaleElementReferenceException.class);
        return wait;
    }

    private String nodeState(String address) {
        List<WebElement> rows = browser.findElements(By.cssSelector("#nodes tbody tr[data-address='" + address + "']"));
        return rows.isEmpty() ? "" : rows.get(0).findElement(By.cssSelector(".state")).getText();
    }

    @Test
    void showsShardsMembersCountsAndANodeThatGoesDown() throws Exception {
        List<String> a = cluster.addresses();
        String metadata = "null";
        for (int i = 0; i < 40; i++) {
            Http.Reply put = Http.send("PUT", cluster.url(i % 4, "/kvs/page" + i), "{\"value\":" + i + ",\"causal-metadata\":" + metadata + "}");
            metadata = put.json().get("causal-metadata").toString();
        }
        int[] counts = new int[3];
        for (int shard = 1; shard <= 2; shard++) {
            int s = shard;
            counts[s] = Await.value(Duration.ofSeconds(5), "shard " + s + "'s count", () -> Http.send("GET",
                    cluster.url(0, "/shard/key-count/" + s)).json().get("shard-key-count").intValue(), c -> c > 0);
        }
        assertEquals(40, counts[1] + counts[2]);

        browser.get(cluster.url(0, "/admin/"));
        waitUpTo(10).until(d -> d.findElements(By.cssSelector("#shards tbody tr")).size() == 2
                && d.findElements(By.cssSelector("#nodes tbody tr")).size() == 4);
        for (int shard = 1; shard <= 2; shard++) {
            int s = shard;
            waitUpTo(10).until(d -> {
                List<WebElement> cells = d.findElements(By.cssSelector("#shards tbody tr[data-shard='" + s + "'] td"));
                return cells.size() == 3 && cells.get(2).getText().equals(Integer.toString(counts[s]));
            });
            List<WebElement> cells = browser.findElements(By.cssSelector("#shards tbody tr[data-shard='" + s + "'] td"));
            String members = s == 1 ? a.get(0) + ", " + a.get(2) : a.get(1) + ", " + a.get(3);
            assertEquals(members, cells.get(1).getText(), "shard " + s + "'s members in cluster order");
        }
        for (String address : a) {
            waitUpTo(10).until(d -> nodeState(address).equals("up"));
        }
        Path shot = Path.of("target/admin-page.png");
        Files.copy(browser.getScreenshotAs(OutputType.FILE).toPath(), shot, StandardCopyOption.REPLACE_EXISTING);

        cluster.stopNode(3);
        // Suspected within a heartbeat or two, down (removed from the view) after about 3 s.
        waitUpTo(15).until(d -> nodeState(a.get(3)).equals("down"));
        assertEquals("up", nodeState(a.get(0)));
        new File("target").mkdirs();
        Files.copy(browser.getScreenshotAs(OutputType.FILE).toPath(), Path.of("target/admin-page-node-down.png"),
                StandardCopyOption.REPLACE_EXISTING);
    }

    /**
     * Markup where a client puts it (a key, the address field of a form) never becomes an
     * element. Today the page shows only validated addresses and fixed strings, so the test also
     * hands the page's own render() a cluster whose every field is markup: all of it must come
     * out as text, with no element made and no handler run.
     */
    @Test
    void markupInKeysAndAddressesIsShownAsText() throws Exception {
        String markup = "<img src=x onerror=window.injected=1>";
        String key = java.net.URLEncoder.encode(markup, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
        // Retried: right after start-up a relay to the key's shard may still find it unready (503).
        Await.until(Duration.ofSeconds(10), "the key with markup is stored",
                () -> Http.send("PUT", cluster.url(0, "/kvs/" + key), "{\"value\":1}").status() / 100 == 2);
        browser.get(cluster.url(0, "/admin/"));
        waitUpTo(10).until(d -> d.findElements(By.cssSelector("#nodes tbody tr")).size() == 4);

        WebElement form = browser.findElement(By.id("add-member"));
        form.findElement(By.name("address")).sendKeys(markup);
        form.findElement(By.name("shard")).sendKeys("1");
        form.findElement(By.tagName("button")).click();
        waitUpTo(10).until(d -> d.findElement(By.id("action-result")).getText().startsWith("400"));

        // Rendered and read in one script: the page's own refresh (a timer) cannot re-render between them.
        Object shown = browser.executeScript("const m = arguments[0]; render({mode: 'cluster', self: m, epoch: m, sharded: true,"
                + " view: [m, m], shards: [{id: m, members: [m, m], keys: m}], nodes: [{address: m, shard: m, state: m, keys: m}]});"
                + " return [document.querySelector('#nodes tbody td').textContent, document.getElementsByTagName('img').length];",
                markup);
        assertEquals(List.of(markup, 0L), shown, "markup shown as text, and no element made from it");
        assertEquals(null, browser.executeScript("return window.injected === undefined ? null : window.injected"), "a handler ran");
    }
}
