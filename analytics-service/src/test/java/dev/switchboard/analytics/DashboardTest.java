package dev.switchboard.analytics;

import dev.switchboard.analytics.clickhouse.ClickHouseStore;
import dev.switchboard.analytics.clickhouse.Migrations;
import dev.switchboard.events.ChargeV1;
import dev.switchboard.events.DeadLetters;
import dev.switchboard.events.GoldenEvents;
import dev.switchboard.events.Topics;
import dev.switchboard.events.UsageV1;
import dev.switchboard.testsupport.ClickHouseResource;
import dev.switchboard.testsupport.Events;
import dev.switchboard.testsupport.KafkaResource;
import dev.switchboard.testsupport.TopicProbe;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.switchboard.analytics.AnalyticsTest.charge;
import static dev.switchboard.analytics.AnalyticsTest.send;
import static dev.switchboard.analytics.AnalyticsTest.usage;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Percentage.withPercentage;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

/**
 * Rollups, statistics, activity and the dashboard's data, from events through Kafka into the
 * ClickHouse of the local stack. Each run uses a provider, model and account of its own, so the
 * operator's aggregates over every account can be asserted exactly.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = ClickHouseResource.class, restrictToAnnotatedClass = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DashboardTest {

    private static final String TOKEN = "dev-internal-token";
    private static final String ADMIN = "Bearer dev-admin-token";

    private final String suffix = UUID.randomUUID().toString().substring(0, 8);
    private final String provider = "p" + suffix;
    private final String fallenOver = "f" + suffix;
    private final String model = "test/m-" + suffix;
    private final String account = UUID.randomUUID().toString();
    private final String key = UUID.randomUUID().toString();

    @Inject
    ClickHouseStore store;

    @Inject
    Migrations migrations;

    private UsageV1 event(String generation, Object... fields) {
        Object[] all = new Object[fields.length + 8];
        all[0] = "model";
        all[1] = model;
        all[2] = "provider";
        all[3] = provider;
        all[4] = "key_id";
        all[5] = key;
        all[6] = "prices";
        all[7] = GoldenEvents.read(Topics.USAGE, UsageV1.class).data().prices();
        System.arraycopy(fields, 0, all, 8, fields.length);
        return Events.with(usage(generation, account), all);
    }

    private static UsageV1.Attempt attempt(String provider, String model, String outcome, int status) {
        return new UsageV1.Attempt(provider, model, outcome, status, 100);
    }

    /**
     * Four requests that reached a provider: one served at once (delivered three times), one served by a
     * fallback after another provider failed, one failed, and a long stream (an interim event, then
     * its final one).
     */
    @BeforeAll
    void traffic() {
        UsageV1 served = event(
                "gen-" + UUID.randomUUID(),
                "latency_ms",
                100L,
                "ttft_ms",
                40L,
                "attempts",
                List.of(attempt(provider, model, "success", 200)),
                "app",
                new UsageV1.App("https://app.example", "Example App", "user-7"));
        for (int i = 0; i < 3; i++) {
            send(Topics.USAGE, UsageV1.TYPE, served.eventId(), served.generationId(), served);
        }
        UsageV1 fallback = event(
                "gen-" + UUID.randomUUID(),
                "latency_ms",
                300L,
                "ttft_ms",
                120L,
                "attempts",
                List.of(attempt(fallenOver, model, "upstream", 500), attempt(provider, model, "success", 200)));
        send(Topics.USAGE, UsageV1.TYPE, fallback.eventId(), fallback.generationId(), fallback);
        UsageV1 failed = event(
                "gen-" + UUID.randomUUID(),
                "status",
                "error",
                "error_class",
                "upstream",
                "completion_tokens",
                0,
                "ttft_ms",
                null,
                "latency_ms",
                900L,
                "attempts",
                List.of(attempt(provider, model, "upstream", 502)));
        send(Topics.USAGE, UsageV1.TYPE, failed.eventId(), failed.generationId(), failed);
        String stream = "gen-" + UUID.randomUUID();
        UsageV1 interim = event(stream, "sequence", 1, "is_final", false, "status", "in_progress", "latency_ms", 5000L);
        UsageV1 last = event(
                stream,
                "latency_ms",
                2500L,
                "ttft_ms",
                60L,
                "attempts",
                List.of(attempt(provider, model, "success", 200)));
        send(Topics.USAGE, UsageV1.TYPE, "interim-" + stream, stream, interim);
        send(Topics.USAGE, UsageV1.TYPE, last.eventId(), stream, last);
        send(Topics.CHARGES, ChargeV1.TYPE, served.eventId(), account, charge(served, 30_600L));
        // the same charge again: a redelivery
        send(Topics.CHARGES, ChargeV1.TYPE, served.eventId(), account, charge(served, 30_600L));
        send(Topics.CHARGES, ChargeV1.TYPE, fallback.eventId(), account, charge(fallback, 20_000L));
        send(Topics.CHARGES, ChargeV1.TYPE, last.eventId(), account, charge(last, 1_000L));
    }

    private static RequestSpecification internal() {
        return given().header("X-Switchboard-Service-Token", TOKEN);
    }

    @Test
    void theOperatorsStatisticsCountEachRequestOnceWithQuantilesRatesAndUptime() {
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> given().header("Authorization", ADMIN)
                        .queryParam("provider", provider)
                        .queryParam("window", "1h")
                        .get("/admin/v1/statistics")
                        .then()
                        .statusCode(200)
                        .body("data", hasSize(1))
                        .body("data[0].model", equalTo(model))
                        .body("data[0].requests", equalTo(4))
                        .body("data[0].succeeded", equalTo(3))
                        .body("data[0].failed", equalTo(1))
                        .body("data[0].fallbacks", equalTo(1))
                        .body("data[0].errors.upstream", equalTo(1))
                        .body("data[0].error_rate", equalTo(0.25f))
                        .body("data[0].fallback_rate", equalTo(0.25f))
                        // four attempts on this provider, one failed on its side
                        .body("data[0].attempts", equalTo(4))
                        .body("data[0].uptime", equalTo(0.75f))
                        .body("data[0].latency_ms.p50", org.hamcrest.Matchers.notNullValue())
                        .body("data[0].ttft_ms.p99", org.hamcrest.Matchers.notNullValue()));
        // the provider whose attempt failed over counts against its own uptime, with no request served
        given().header("Authorization", ADMIN)
                .queryParam("provider", fallenOver)
                .queryParam("window", "1h")
                .get("/admin/v1/statistics")
                .then()
                .statusCode(200)
                .body("data", hasSize(1))
                .body("data[0].requests", equalTo(0))
                .body("data[0].attempts", equalTo(1))
                .body("data[0].uptime", equalTo(0.0f));
        // the rollup itself: four rows' worth, the duplicates and the interim event left out
        assertThat(store.query(
                                "SELECT sum(requests) AS n FROM provider_minutes WHERE provider = {p:String}",
                                Map.of("p", provider))
                        .getFirst()
                        .getLong("n"))
                .isEqualTo(4);
    }

    /**
     * Over a window longer than 10 h (15-minute buckets) the operator's latency comes from the quarter
     * rollup for whole quarters and from the minute rollup at the edges: the same requests, histogram
     * and quantiles as the raw rows in [the window's first minute, its end).
     */
    @Test
    void longWindowsReadWholeQuartersAndTheirEdgeMinutesExactly() {
        String quartered = "q" + suffix;
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        for (int i = 0; i < 60; i++) {
            Instant completed = now.minus(Duration.ofMinutes(12L * i + 1)).minusSeconds(i % 50);
            UsageV1 u = Events.with(
                    usage("gen-" + UUID.randomUUID(), UUID.randomUUID().toString()),
                    "provider",
                    quartered,
                    "model",
                    model,
                    "latency_ms",
                    100L + 37L * i,
                    "completed_at",
                    completed.toString(),
                    "started_at",
                    completed.minusMillis(100L + 37L * i).toString());
            send(Topics.USAGE, UsageV1.TYPE, u.eventId(), u.generationId(), u);
        }
        await().atMost(Duration.ofSeconds(30))
                .until(() -> store.query(
                                        "SELECT sum(requests) AS n FROM latency_quarters WHERE provider = {p:String}",
                                        Map.of("p", quartered))
                                .getFirst()
                                .getLong("n")
                        == 60);
        // a window whose start is not on a quarter: partial quarters at both ends
        Instant from =
                now.minus(Duration.ofHours(11)).minus(Duration.ofMinutes(7)).minusSeconds(20);
        var latency = given().header("Authorization", ADMIN)
                .queryParam("provider", quartered)
                .queryParam("from", from.toString())
                .queryParam("to", now.toString())
                .get("/admin/v1/dashboard/latency")
                .then()
                .statusCode(200)
                .body("bucket_seconds", equalTo(900))
                .extract()
                .jsonPath();
        var raw = store.query("""
                        SELECT count() AS n, arrayMap(x -> toFloat64(x), quantilesTDigest(0.5, 0.95)(latency_ms)) AS q FROM generations
                        WHERE provider = {p:String} AND status != 'in_progress'
                          AND completed_at >= toStartOfMinute(fromUnixTimestamp64Milli({from:Int64}, 'UTC'))
                          AND completed_at < fromUnixTimestamp64Milli({to:Int64}, 'UTC')""", Map.of("p", quartered, "from", from.toEpochMilli(), "to", now.toEpochMilli()))
                .getFirst();
        long inWindow = raw.getLong("n");
        assertThat(inWindow).isBetween(50L, 59L);
        assertThat(latency.getList("series.requests", Integer.class).stream()
                        .mapToInt(Integer::intValue)
                        .sum())
                .isEqualTo((int) inWindow);
        assertThat(latency.getList("histogram.requests", Integer.class).stream()
                        .mapToInt(Integer::intValue)
                        .sum())
                .isEqualTo((int) inWindow);
        var statistics = given().header("Authorization", ADMIN)
                .queryParam("provider", quartered)
                .queryParam("from", from.toString())
                .queryParam("to", now.toString())
                .get("/admin/v1/statistics")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        double[] quantiles = raw.getDoubleArray("q");
        // merged t-digest states against one digest of the same rows: equal to a few per cent
        assertThat(statistics.getDouble("data[0].latency_ms.p50")).isCloseTo(quantiles[0], withPercentage(5));
        assertThat(statistics.getDouble("data[0].latency_ms.p95")).isCloseTo(quantiles[1], withPercentage(5));
    }

    @Test
    void activityIsPerDayModelAndProviderWithTheBilledSpend() {
        String today = LocalDate.now(ZoneOffset.UTC).toString();
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> internal()
                        .queryParam("account_id", account)
                        .get("/internal/v1/activity")
                        .then()
                        .statusCode(200)
                        .body("data", hasSize(1))
                        .body("data[0].date", equalTo(today))
                        .body("data[0].model", equalTo(model))
                        .body("data[0].endpoint_id", equalTo(model + "@" + provider))
                        .body("data[0].requests", equalTo(4))
                        .body("data[0].usage", equalTo(0.0000516f))
                        .body("data[0].byok_usage_inference", equalTo(0.0f)));
        internal()
                .queryParam("account_id", account)
                .queryParam("date", "2020-01-01")
                .get("/internal/v1/activity")
                .then()
                .statusCode(400)
                .body("error.message", containsString("last 30 days"));
        internal()
                .queryParam("account_id", account)
                .queryParam("api_key_hash", UUID.randomUUID().toString())
                .get("/internal/v1/activity")
                .then()
                .statusCode(200)
                .body("data", hasSize(0));
        given().queryParam("account_id", account)
                .get("/internal/v1/activity")
                .then()
                .statusCode(401);
    }

    @Test
    void theAccountsDashboardDataHasItsGenerationsLatencyReliabilityAndSpend() {
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> internal()
                        .queryParam("account_id", account)
                        .get("/internal/v1/dashboard/generations")
                        .then()
                        .statusCode(200)
                        .body("data", hasSize(4))
                        .body("data.findAll { it.status == 'error' }.size()", equalTo(1))
                        .body("data.find { it.latency_ms == 100 }.cost_nanos", equalTo(30_600))
                        .body("data.find { it.latency_ms == 100 }.app", equalTo("Example App"))
                        .body("data.find { it.latency_ms == 100 }.user", equalTo("user-7"))
                        .body("data.find { it.latency_ms == 300 }.app", org.hamcrest.Matchers.nullValue())
                        .body(
                                "data.find { it.latency_ms == 100 }.cost_parts.completion",
                                org.hamcrest.Matchers.notNullValue()));
        internal()
                .queryParam("account_id", account)
                .queryParam("status", "error")
                .get("/internal/v1/dashboard/generations")
                .then()
                .statusCode(200)
                .body("data", hasSize(1))
                .body("data[0].error_class", equalTo("upstream"));
        var latency = internal()
                .queryParam("account_id", account)
                .queryParam("window", "1h")
                .get("/internal/v1/dashboard/latency")
                .then()
                .statusCode(200)
                .body("bucket_seconds", equalTo(60))
                .extract()
                .jsonPath();
        assertThat(latency.getList("histogram.requests", Integer.class).stream()
                        .mapToInt(Integer::intValue)
                        .sum())
                .isEqualTo(4);
        assertThat(latency.getList("series.requests", Integer.class).stream()
                        .mapToInt(Integer::intValue)
                        .sum())
                .isEqualTo(4);
        var reliability = internal()
                .queryParam("account_id", account)
                .get("/internal/v1/dashboard/reliability")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertThat(reliability.getList("series.succeeded", Integer.class).stream()
                        .mapToInt(Integer::intValue)
                        .sum())
                .isEqualTo(3);
        assertThat(reliability.getList("series.fallbacks", Integer.class).stream()
                        .mapToInt(Integer::intValue)
                        .sum())
                .isEqualTo(1);
        internal()
                .queryParam("account_id", account)
                .get("/internal/v1/dashboard/spend")
                .then()
                .statusCode(200)
                .body("by_key_and_model", hasSize(1))
                .body("by_key_and_model[0].key", equalTo(key))
                .body("by_key_and_model[0].cost_nanos", equalTo(51_600))
                .body("by_key_and_model[0].requests", equalTo(4));
        // another account sees none of it
        internal()
                .queryParam("account_id", UUID.randomUUID().toString())
                .get("/internal/v1/dashboard/generations")
                .then()
                .statusCode(200)
                .body("data", hasSize(0));
    }

    @Test
    void badParametersAreClear4xxs() {
        internal()
                .queryParam("account_id", account)
                .queryParam("window", "soon")
                .get("/internal/v1/dashboard/latency")
                .then()
                .statusCode(400)
                .body("error.message", containsString("window"));
        internal()
                .queryParam("account_id", account)
                .queryParam("from", "2026-12-07T10:00:00Z")
                .queryParam("to", "2026-12-07T09:00:00Z")
                .get("/internal/v1/dashboard/latency")
                .then()
                .statusCode(400);
        internal()
                .queryParam("account_id", account)
                .queryParam("window", "90d")
                .get("/internal/v1/dashboard/spend")
                .then()
                .statusCode(400)
                .body("error.message", containsString("at most"));
        internal()
                .queryParam("account_id", account)
                .get("/internal/v1/dashboard/everything")
                .then()
                .statusCode(404);
        internal()
                .queryParam("account_id", account)
                .queryParam("model", "x' OR 1=1")
                .get("/internal/v1/dashboard/generations")
                .then()
                .statusCode(400);
        internal().get("/internal/v1/dashboard/generations").then().statusCode(400);
        given().get("/admin/v1/statistics").then().statusCode(401);
        given().header("Authorization", "Bearer wrong")
                .get("/admin/v1/dashboard/spend")
                .then()
                .statusCode(401);
        given().header("Authorization", ADMIN)
                .get("/admin/v1/dashboard/spend")
                .then()
                .statusCode(200);
    }

    @Test
    void thePageAndItsChartLibraryAreServedFromTheJar() {
        given().get("/dashboard/")
                .then()
                .statusCode(200)
                .body(containsString("vendor/echarts.min.js"))
                .body(containsString("dashboard.js"));
        given().get("/dashboard/vendor/echarts.min.js")
                .then()
                .statusCode(200)
                .header("Content-Type", containsString("javascript"))
                .body(containsString("echarts"));
        given().redirects().follow(false).get("/dashboard").then().statusCode(303);
    }

    @Test
    void aRowClickHouseRefusesGoesToTheDlqWithTheReasonAndTheRestIsStored() {
        UsageV1 refused = event("gen-" + UUID.randomUUID(), "prompt_tokens", -1);
        UsageV1 fine = usage("gen-" + UUID.randomUUID(), UUID.randomUUID().toString());
        send(Topics.USAGE, UsageV1.TYPE, refused.eventId(), refused.generationId(), refused);
        send(Topics.USAGE, UsageV1.TYPE, fine.eventId(), fine.generationId(), fine);
        var parked = TopicProbe.find(
                KafkaResource.bootstrapServers(),
                Topics.deadLetter(Topics.USAGE),
                r -> new String(r.value(), StandardCharsets.UTF_8).contains(refused.generationId()),
                Duration.ofSeconds(30));
        assertThat(parked).isPresent();
        assertThat(new String(
                        parked.get().headers().lastHeader(DeadLetters.REASON).value(), StandardCharsets.UTF_8))
                .startsWith("refused by ClickHouse");
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(store.query(
                                        "SELECT count() AS n FROM generations WHERE id = {id:String}",
                                        Map.of("id", fine.generationId()))
                                .getFirst()
                                .getLong("n"))
                        .isEqualTo(1));
    }

    @Test
    void anAppliedMigrationThatWasEditedIsRefused() {
        String version = "V1__generations_charges_health.sql";
        String recorded = store.query(
                        "SELECT checksum FROM schema_migrations FINAL WHERE version = {v:String}", Map.of("v", version))
                .getFirst()
                .getString("checksum");
        assertThat(recorded).hasSize(64);
        store.execute("INSERT INTO schema_migrations (version, checksum) VALUES ('" + version + "', '" + "0".repeat(64)
                + "')");
        try {
            assertThatThrownBy(migrations::apply)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining(version)
                    .hasMessageContaining("was edited after it was applied");
        } finally {
            store.execute(
                    "INSERT INTO schema_migrations (version, checksum) VALUES ('" + version + "', '" + recorded + "')");
        }
        migrations.apply();
    }
}
