package dev.switchboard.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Analytics through the stack: requests of two accounts appear in {@code /activity}, in the
 * dashboard's data and in the operator's statistics with the right counts and billed costs; the
 * dashboard page, loaded in headless Chromium, draws charts from those requests, filters its
 * generations table and shows an account only its own data. Screenshots land in
 * {@code e2e-tests/target/screenshots/} (the README's come from there).
 */
@Order(18)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AnalyticsE2eTest {

    private static final String MODEL = ChatE2eTest.MODEL;

    private String[] a;
    private String[] b;
    private final List<String> aGenerations = new ArrayList<>();
    private String bGeneration;

    @BeforeAll
    void traffic() {
        a = TenantIsolationE2eTest.tenant("1.00");
        b = TenantIsolationE2eTest.tenant("1.00");
        for (int i = 0; i < 3; i++) {
            aGenerations.add(chat(a[1], i == 1));
        }
        bGeneration = chat(b[1], false);
        // every generation billed and readable before the checks (billing → ClickHouse)
        for (String id : aGenerations) {
            awaitGeneration(id, a[1]);
        }
        awaitGeneration(bGeneration, b[1]);
    }

    private static String chat(String key, boolean stream) {
        HttpResponse<String> response =
                Stack.postChat(key, ChatE2eTest.CHAT + ",\"max_tokens\":16" + (stream ? ",\"stream\":true}" : "}"));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return response.headers().firstValue("X-Generation-Id").orElseThrow();
    }

    private static void awaitGeneration(String id, String key) {
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> Stack.get("/generation?id=" + id, key).statusCode() == 200);
    }

    private static BigDecimal billed(String id, String key) {
        return Stack.json(Stack.get("/generation?id=" + id, key).body())
                .path("data")
                .path("total_cost")
                .decimalValue();
    }

    @Test
    void activityHasTheAccountsRequestsAndItsBilledSpend() {
        BigDecimal spent = BigDecimal.ZERO;
        for (String id : aGenerations) {
            spent = spent.add(billed(id, a[1]));
        }
        BigDecimal expected = spent;
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            HttpResponse<String> activity = Stack.get("/activity", a[2]);
            assertThat(activity.statusCode()).as(activity.body()).isEqualTo(200);
            long requests = 0;
            BigDecimal usage = BigDecimal.ZERO;
            for (JsonNode item : Stack.json(activity.body()).path("data")) {
                assertThat(item.path("model").asText()).isEqualTo(MODEL);
                requests += item.path("requests").asLong();
                usage = usage.add(item.path("usage").decimalValue());
            }
            assertThat(requests).isEqualTo(3);
            assertThat(usage).isEqualByComparingTo(expected);
        });
        // by key: the account's inference key has all of it
        String hash = Stack.json(Stack.get("/keys", a[2]).body())
                .path("data")
                .get(0)
                .path("hash")
                .asText();
        JsonNode byKey =
                Stack.json(Stack.get("/activity?api_key_hash=" + hash, a[2]).body());
        long requests = 0;
        for (JsonNode item : byKey.path("data")) {
            requests += item.path("requests").asLong();
        }
        assertThat(requests).isEqualTo(3);
        // a management key is required, and dates are checked
        assertThat(Stack.get("/activity", a[1]).statusCode()).isEqualTo(403);
        assertThat(Stack.get("/activity?date=yesterday", a[2]).statusCode()).isEqualTo(400);
    }

    @Test
    void theAppAndTheUserAClientNamesAreRecordedWithTheGenerationForChatAndEmbeddings() {
        HttpResponse<String> response = Stack.send(HttpRequest.newBuilder(URI.create(Stack.url() + "/chat/completions"))
                .header("Authorization", "Bearer " + b[1])
                .header("Content-Type", "application/json")
                .header("HTTP-Referer", "https://app.example/chat")
                .header("X-Title", "Example App")
                .timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofString(ChatE2eTest.CHAT + ",\"user\":\"end-user-9\"}"))
                .build());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        String id = response.headers().firstValue("X-Generation-Id").orElseThrow();
        awaitGeneration(id, b[1]);
        JsonNode generation =
                Stack.json(Stack.get("/generation?id=" + id, b[1]).body()).path("data");
        assertThat(generation.path("http_referer").asText()).isEqualTo("https://app.example/chat");
        assertThat(generation.path("origin").asText()).isEqualTo("https://app.example/chat");
        assertThat(generation.path("app_title").asText()).isEqualTo("Example App");
        assertThat(generation.path("external_user").asText()).isEqualTo("end-user-9");
        // an embedding names its app the same way (the edge's /embeddings route passes the headers on)
        HttpResponse<String> embedded = Stack.send(HttpRequest.newBuilder(URI.create(Stack.url() + "/embeddings"))
                .header("Authorization", "Bearer " + b[1])
                .header("Content-Type", "application/json")
                .header("HTTP-Referer", "https://app.example/search")
                .header("X-Title", "Example Search")
                .timeout(Duration.ofSeconds(60))
                .POST(
                        HttpRequest.BodyPublishers.ofString(
                                "{\"model\":\"openai/text-embedding-3-small\",\"input\":\"a vector\",\"user\":\"end-user-10\"}"))
                .build());
        assertThat(embedded.statusCode()).as(embedded.body()).isEqualTo(200);
        String embedding = embedded.headers().firstValue("X-Generation-Id").orElseThrow();
        awaitGeneration(embedding, b[1]);
        JsonNode vector = Stack.json(
                        Stack.get("/generation?id=" + embedding, b[1]).body())
                .path("data");
        assertThat(vector.path("http_referer").asText()).isEqualTo("https://app.example/search");
        assertThat(vector.path("app_title").asText()).isEqualTo("Example Search");
        assertThat(vector.path("external_user").asText()).isEqualTo("end-user-10");
        // a request that names none has none
        assertThat(Stack.json(Stack.get("/generation?id=" + bGeneration, b[1]).body())
                        .path("data")
                        .path("http_referer")
                        .isNull())
                .isTrue();
    }

    @Test
    void theDashboardsDataIsTheAccountsOwnWithItsCosts() {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            HttpResponse<String> page = Stack.get("/dashboard/generations?window=1h", a[2]);
            assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
            List<String> ids = new ArrayList<>();
            Stack.json(page.body())
                    .path("data")
                    .forEach(g -> ids.add(g.path("id").asText()));
            assertThat(ids).containsExactlyInAnyOrderElementsOf(aGenerations);
        });
        JsonNode generations = Stack.json(
                        Stack.get("/dashboard/generations?window=1h", a[2]).body())
                .path("data");
        for (JsonNode g : generations) {
            assertThat(g.path("cost").decimalValue())
                    .isEqualByComparingTo(billed(g.path("id").asText(), a[1]));
            assertThat(g.path("cost_parts").path("prompt").decimalValue()).isPositive();
        }
        JsonNode latency =
                Stack.json(Stack.get("/dashboard/latency?window=1h", a[2]).body());
        long histogram = 0;
        for (JsonNode bucket : latency.path("histogram")) {
            histogram += bucket.path("requests").asLong();
        }
        assertThat(histogram).isEqualTo(3);
        JsonNode spend =
                Stack.json(Stack.get("/dashboard/spend?window=1h", a[2]).body());
        assertThat(spend.path("by_key_and_model").size()).isEqualTo(1);
        assertThat(spend.path("by_key_and_model").get(0).path("requests").asLong())
                .isEqualTo(3);
        // the account id comes from the key: a client cannot ask for another's
        JsonNode other = Stack.json(Stack.get("/dashboard/generations?window=1h&account_id=" + b[0], a[2])
                .body());
        other.path("data").forEach(g -> assertThat(g.path("id").asText()).isNotEqualTo(bGeneration));
        assertThat(Stack.get("/dashboard/generations", a[1]).statusCode()).isEqualTo(403);
        // the page's files only: nothing else of analytics-service is reachable through /dashboard/
        assertThat(Stack.send(HttpRequest.newBuilder(URI.create(edgeRoot() + "/dashboard/"))
                                .GET()
                                .build())
                        .statusCode())
                .isEqualTo(200);
        assertThat(Stack.send(HttpRequest.newBuilder(URI.create(edgeRoot() + "/dashboard/q/health"))
                                .GET()
                                .build())
                        .statusCode())
                .isEqualTo(404);
        assertThat(Stack.get("/dashboard/everything", a[2]).statusCode()).isEqualTo(404);
    }

    @Test
    void theOperatorsStatisticsCoverEveryAccount() {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            HttpResponse<String> stats = operator("/admin/v1/statistics?window=1h&model=" + MODEL);
            assertThat(stats.statusCode()).as(stats.body()).isEqualTo(200);
            long requests = 0;
            for (JsonNode entry : Stack.json(stats.body()).path("data")) {
                requests += entry.path("requests").asLong();
                assertThat(entry.path("latency_ms").path("p95").isNumber()).isTrue();
            }
            // at least this test's four (earlier tests served this model too)
            assertThat(requests).isGreaterThanOrEqualTo(4);
        });
        assertThat(Stack.send(analytics("/admin/v1/statistics")).statusCode()).isEqualTo(401);
    }

    @Test
    void theDashboardInABrowserDrawsTheAccountsRequestsAndFiltersThem() throws IOException {
        WebDriver driver = browser();
        try {
            driver.get(edgeRoot() + "/dashboard/?view=account");
            driver.findElement(By.id("token")).sendKeys(a[2]);
            new Select(driver.findElement(By.id("window"))).selectByValue("1h");
            driver.findElement(By.id("live")).click();
            driver.findElement(By.id("apply")).click();
            WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(30));
            wait.until(loaded(1));
            assertThat(driver.findElement(By.tagName("body")).getAttribute("data-error"))
                    .isNull();
            wait.until(d -> rows(d).size() == 3);
            Set<String> shown = Set.copyOf(
                    rows(driver).stream().map(r -> r.getAttribute("data-id")).toList());
            assertThat(shown).containsExactlyInAnyOrderElementsOf(aGenerations).doesNotContain(bGeneration);
            // each chart has data points drawn from these requests
            JavascriptExecutor js = (JavascriptExecutor) driver;
            for (String chart : List.of("latency", "histogram", "reliability", "spend")) {
                Long points = (Long) js.executeScript(
                        "return window.switchboardDashboard.charts[arguments[0]].getOption().series"
                                + ".reduce((n, s) => n + s.data.filter(p => Array.isArray(p) ? p[1] > 0 : p > 0).length, 0);",
                        chart);
                assertThat(points).as(chart + " chart points").isPositive();
            }
            screenshot(driver, "dashboard-account.png");

            // the table filters: an unknown model shows nothing, the served one all three
            driver.findElement(By.id("f-model")).sendKeys("nobody/none");
            driver.findElement(By.id("apply")).click();
            wait.until(loaded(2));
            wait.until(d -> rows(d).isEmpty());
            driver.findElement(By.id("f-model")).clear();
            driver.findElement(By.id("f-model")).sendKeys(MODEL);
            driver.findElement(By.id("apply")).click();
            wait.until(loaded(3));
            wait.until(d -> rows(d).size() == 3);

            // the operator's view on analytics-service's own port, with the admin token
            driver.get(analytics("/dashboard/?view=operator").uri().toString());
            driver.findElement(By.id("token")).sendKeys(Stack.get("SWITCHBOARD_ADMIN_TOKEN"));
            new Select(driver.findElement(By.id("window"))).selectByValue("1h");
            driver.findElement(By.id("apply")).click();
            wait.until(loaded(1));
            wait.until(
                    d -> !d.findElements(By.cssSelector("#statistics tbody tr")).isEmpty());
            screenshot(driver, "dashboard-operator.png");
        } finally {
            driver.quit();
        }
    }

    private static List<WebElement> rows(WebDriver driver) {
        return driver.findElements(By.cssSelector("#generations tbody tr"));
    }

    /** Until the page has finished {@code n} refreshes (body data-loads). */
    private static Function<WebDriver, Boolean> loaded(int n) {
        return d -> {
            String loads = d.findElement(By.tagName("body")).getAttribute("data-loads");
            String error = d.findElement(By.tagName("body")).getAttribute("data-error");
            if (error != null) {
                throw new AssertionError("the dashboard failed to load: " + error);
            }
            return loads != null && Integer.parseInt(loads) >= n;
        };
    }

    private static WebDriver browser() {
        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        options.addArguments(
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--window-size=1400,1800");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File("/usr/bin/chromedriver"))
                .build();
        return new ChromeDriver(service, options);
    }

    private static void screenshot(WebDriver driver, String name) throws IOException {
        Path dir = Path.of("target", "screenshots");
        Files.createDirectories(dir);
        Files.write(dir.resolve(name), ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
    }

    private static String edgeRoot() {
        URI api = URI.create(Stack.url());
        return api.getScheme() + "://" + api.getAuthority();
    }

    private static HttpRequest analytics(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:8084" + path))
                .timeout(Duration.ofSeconds(30))
                .GET()
                .build();
    }

    private static HttpResponse<String> operator(String path) {
        return Stack.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:8084" + path))
                .header("Authorization", "Bearer " + Stack.get("SWITCHBOARD_ADMIN_TOKEN"))
                .timeout(Duration.ofSeconds(30))
                .GET()
                .build());
    }
}
