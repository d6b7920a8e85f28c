package dev.switchboard.bench.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.events.CloudEvent;
import dev.switchboard.events.EventCodec;
import dev.switchboard.events.UsageV1;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;

/**
 * The analytics benchmark's measuring side (bench/analytics.sh runs the phases in order):
 *
 * <ul>
 *   <li>{@code produce BOOTSTRAP TOPIC EVENTS PARTITIONS [arrival|shuffled]}: recreates TOPIC and writes
 *       EVENTS usage events, as the router writes them, to it (before analytics-service starts, so the
 *       ingestion rate is analytics-service's own, not the producer's), in the {@link Order} given;
 *   <li>{@code await CLICKHOUSE DATABASE EVENTS TIMEOUT_S}: polls ClickHouse until the events are
 *       stored and prints the ingestion rate (rows / span of their {@code ingested_at});
 *   <li>{@code queries ANALYTICS_URL ADMIN_TOKEN RUNS PATH...}: latency of each API path (admin token);
 *   <li>{@code paint DASHBOARD_URL ADMIN_TOKEN RUNS}: milliseconds from navigation to the dashboard's
 *       first charts drawn with data, in headless Chromium.
 * </ul>
 *
 * Each prints one JSON object on stdout.
 */
public final class AnalyticsBench {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final List<String> PROVIDERS = List.of("openai", "azure", "anthropic", "bedrock", "google");
    private static final List<String> MODELS =
            List.of("openai/gpt-4o-mini", "openai/gpt-4.1", "anthropic/claude-3.5-sonnet", "meta-llama/llama-3.1-8b");

    private AnalyticsBench() {}

    public static void main(String[] args) throws Exception {
        ObjectNode out = switch (args[0]) {
            case "produce" ->
                produce(
                        args[1],
                        args[2],
                        Integer.parseInt(args[3]),
                        Integer.parseInt(args[4]),
                        args.length > 5 ? Order.valueOf(args[5].toUpperCase(Locale.ROOT)) : Order.ARRIVAL);
            case "await" -> await(args[1], args[2], Long.parseLong(args[3]), Integer.parseInt(args[4]));
            case "queries" ->
                queries(
                        args[1],
                        args[2],
                        Integer.parseInt(args[3]),
                        List.of(args).subList(4, args.length));
            case "paint" -> paint(args[1], args[2], Integer.parseInt(args[3]));
            default -> throw new IllegalArgumentException("unknown phase " + args[0]);
        };
        System.out.println(JSON.writeValueAsString(out));
    }

    /**
     * The events' completion times over the hour before the run: {@code ARRIVAL} as a live topic holds
     * them (in completion order, each up to 2 s early or late, as routers' clocks and send delays
     * disorder them); {@code SHUFFLED} at random over the hour, so every batch spans all of it (the
     * worst case of the ingestion's time-bounded duplicate lookup).
     */
    enum Order {
        ARRIVAL,
        SHUFFLED
    }

    static ObjectNode produce(String bootstrap, String topic, int events, int partitions, Order order)
            throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            if (admin.listTopics().names().get().contains(topic)) {
                admin.deleteTopics(Set.of(topic)).all().get();
                Thread.sleep(2_000);
            }
            while (true) {
                try {
                    admin.createTopics(Set.of(new NewTopic(topic, partitions, (short) 1)))
                            .all()
                            .get();
                    break;
                } catch (ExecutionException e) {
                    // deletion still under way
                    Thread.sleep(500);
                }
            }
        }
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, 512 * 1024);
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        Random random = new Random(42);
        long start = System.nanoTime();
        try (var producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
            Instant now = Instant.now();
            for (int i = 0; i < events; i++) {
                long ago = order == Order.SHUFFLED
                        ? random.nextInt(3_600_000)
                        : 3_600_000L - (3_600_000L * i / events) + random.nextInt(4_000) - 2_000;
                UsageV1 usage = usage(random, now.minusMillis(Math.max(0, ago)));
                producer.send(new ProducerRecord<>(
                        topic,
                        usage.generationId(),
                        EventCodec.encode(CloudEvent.of(
                                UsageV1.TYPE,
                                UUID.randomUUID().toString(),
                                "/bench",
                                usage.generationId(),
                                usage.completedAt(),
                                usage))));
            }
            producer.flush();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        ObjectNode out = JSON.createObjectNode();
        out.put("events", events);
        out.put("order", order.name().toLowerCase(Locale.ROOT));
        out.put("produce_seconds", round(seconds));
        out.put("produce_events_per_second", Math.round(events / seconds));
        return out;
    }

    private static UsageV1 usage(Random random, Instant completed) {
        String provider = PROVIDERS.get(random.nextInt(PROVIDERS.size()));
        String model = MODELS.get(random.nextInt(MODELS.size()));
        boolean failed = random.nextInt(100) < 3;
        long latency = 80 + (long) (-Math.log(1 - random.nextDouble()) * 600);
        int prompt = 20 + random.nextInt(2_000);
        int completion = failed ? 0 : 1 + random.nextInt(800);
        return new UsageV1(
                "gen-" + UUID.randomUUID(),
                0,
                true,
                "acct-" + random.nextInt(500),
                "key-" + random.nextInt(2_000),
                "hold-" + UUID.randomUUID(),
                model,
                model,
                provider,
                model,
                failed ? "error" : "success",
                failed ? null : "stop",
                failed ? "upstream" : null,
                random.nextBoolean(),
                prompt,
                completion,
                0,
                0,
                "provider",
                prompt * 150L + completion * 600L,
                List.of(new UsageV1.Attempt(
                        provider, model, failed ? "upstream" : "success", failed ? 502 : 200, latency)),
                latency / 3,
                latency,
                completed.minusMillis(latency),
                completed,
                "weighted",
                0,
                new UsageV1.Prices(150_000, 600_000, 75_000, 600_000, 0, 0),
                new UsageV1.Counted(prompt, completion),
                null,
                UsageV1.CHAT);
    }

    static ObjectNode await(String clickhouse, String database, long events, int timeoutSeconds) throws Exception {
        long deadline = System.nanoTime() + timeoutSeconds * 1_000_000_000L;
        JsonNode row = null;
        while (System.nanoTime() < deadline) {
            try {
                row = clickhouse(
                        clickhouse,
                        database,
                        "SELECT count() AS rows, toUnixTimestamp64Milli(min(ingested_at)) AS first,"
                                + " toUnixTimestamp64Milli(max(ingested_at)) AS last FROM generations");
                if (row.path("rows").asLong() >= events) {
                    break;
                }
            } catch (IllegalStateException e) {
                // analytics-service has not created its database and tables yet
            }
            Thread.sleep(200);
        }
        long rows = row == null ? 0 : row.path("rows").asLong();
        double span =
                row == null ? 0 : (row.path("last").asLong() - row.path("first").asLong()) / 1000.0;
        JsonNode rolled = clickhouse(clickhouse, database, "SELECT sum(requests) AS requests FROM provider_minutes");
        ObjectNode out = JSON.createObjectNode();
        out.put("rows", rows);
        out.put("rolled_up_requests", rolled.path("requests").asLong());
        out.put("ingest_seconds", round(span));
        out.put("ingest_rows_per_second", span == 0 ? 0 : Math.round(rows / span));
        out.put("complete", rows >= events);
        return out;
    }

    private static JsonNode clickhouse(String url, String database, String sql) throws Exception {
        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(URI.create(url + "/?database=" + database))
                        .POST(HttpRequest.BodyPublishers.ofString(sql + " FORMAT JSONEachRow"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("ClickHouse answered " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body().lines().findFirst().orElse("{}"));
    }

    static ObjectNode queries(String base, String token, int runs, List<String> paths) throws Exception {
        ObjectNode out = JSON.createObjectNode();
        for (String path : paths) {
            Histogram histogram = new Histogram(3_600_000_000L, 3);
            int status = 0;
            for (int i = 0; i <= runs; i++) {
                long start = System.nanoTime();
                HttpResponse<String> response = HTTP.send(
                        HttpRequest.newBuilder(URI.create(base + path))
                                .header("Authorization", "Bearer " + token)
                                .timeout(Duration.ofSeconds(120))
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
                long micros = (System.nanoTime() - start) / 1_000;
                status = response.statusCode();
                if (status != 200) {
                    throw new IllegalStateException(path + " answered " + status + ": " + response.body());
                }
                if (i > 0) { // the first run warms up
                    histogram.recordValue(micros);
                }
            }
            ObjectNode q = out.putObject(path);
            q.put("runs", runs);
            q.put("p50_ms", round(histogram.getValueAtPercentile(50) / 1000.0));
            q.put("p95_ms", round(histogram.getValueAtPercentile(95) / 1000.0));
            q.put("max_ms", round(histogram.getMaxValue() / 1000.0));
        }
        return out;
    }

    static ObjectNode paint(String url, String token, int runs) {
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
        WebDriver driver = new ChromeDriver(
                new ChromeDriverService.Builder()
                        .usingDriverExecutable(new File("/usr/bin/chromedriver"))
                        .build(),
                options);
        Histogram histogram = new Histogram(600_000, 3);
        try {
            // a first visit stores the token for the tab, as a user's paste would
            driver.get(url);
            ((JavascriptExecutor) driver)
                    .executeScript("sessionStorage.setItem('switchboard.token.operator', arguments[0]);", token);
            for (int i = 0; i <= runs; i++) {
                driver.get(url);
                String ms = new WebDriverWait(driver, Duration.ofSeconds(120)).until(d -> {
                    String error = d.findElement(By.tagName("body")).getAttribute("data-error");
                    if (error != null) {
                        throw new IllegalStateException("the dashboard failed: " + error);
                    }
                    return d.findElement(By.tagName("body")).getAttribute("data-first-data-ms");
                });
                if (i > 0) {
                    histogram.recordValue(Long.parseLong(ms));
                }
            }
        } finally {
            driver.quit();
        }
        ObjectNode out = JSON.createObjectNode();
        out.put("runs", runs);
        out.put("first_data_paint_p50_ms", histogram.getValueAtPercentile(50));
        out.put("first_data_paint_p95_ms", histogram.getValueAtPercentile(95));
        out.put("first_data_paint_max_ms", histogram.getMaxValue());
        return out;
    }

    private static double round(double value) {
        return Math.round(value * 100) / 100.0;
    }
}
