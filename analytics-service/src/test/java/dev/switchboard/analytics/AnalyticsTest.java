package dev.switchboard.analytics;

import dev.switchboard.analytics.clickhouse.ClickHouseStore;
import dev.switchboard.analytics.clickhouse.FreshRows;
import dev.switchboard.analytics.clickhouse.Row;
import dev.switchboard.analytics.clickhouse.Rows;
import dev.switchboard.events.ChargeV1;
import dev.switchboard.events.CloudEvent;
import dev.switchboard.events.EventCodec;
import dev.switchboard.events.GoldenEvents;
import dev.switchboard.events.ProviderHealthV1;
import dev.switchboard.events.Topics;
import dev.switchboard.events.UsageV1;
import dev.switchboard.testsupport.ClickHouseResource;
import dev.switchboard.testsupport.Events;
import dev.switchboard.testsupport.KafkaResource;
import dev.switchboard.testsupport.TopicProbe;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

@QuarkusTest
@QuarkusTestResource(value = KafkaResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = ClickHouseResource.class, restrictToAnnotatedClass = false)
class AnalyticsTest {

    private static final String TOKEN = "dev-internal-token";

    @Inject
    ClickHouseStore store;

    static UsageV1 usage(String generation, String account) {
        UsageV1 g = GoldenEvents.read(Topics.USAGE, UsageV1.class).data();
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        return new UsageV1(
                generation,
                0,
                true,
                account,
                g.keyId(),
                generation,
                g.requestedModel(),
                g.model(),
                g.provider(),
                g.upstreamModel(),
                g.status(),
                g.finishReason(),
                null,
                true,
                g.promptTokens(),
                g.completionTokens(),
                0,
                0,
                g.usageSource(),
                g.estimatedCostNanos(),
                g.attempts(),
                g.ttftMs(),
                g.latencyMs(),
                now.minusMillis(240),
                now);
    }

    static ChargeV1 charge(UsageV1 u, long cost) {
        return new ChargeV1(
                ChargeV1.chargeId(u.generationId(), 0),
                u.generationId(),
                0,
                true,
                u.accountId(),
                u.keyId(),
                u.holdId(),
                u.model(),
                u.provider(),
                u.promptTokens(),
                u.completionTokens(),
                0,
                0,
                cost,
                "USD",
                Instant.now());
    }

    static void send(String topic, String type, String id, String key, Object data) {
        TopicProbe.send(
                KafkaResource.bootstrapServers(),
                topic,
                key,
                EventCodec.encode(CloudEvent.of(type, id, "/test", key, Instant.now(), data)));
    }

    @Test
    void consumerLagIsAMetricPerTopic() {
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(given().get("/q/metrics").asString())
                        .contains("switchboard_analytics_consumer_lag{topic=\"switchboard.usage.v1\"}")
                        .contains("switchboard_analytics_consumer_lag{topic=\"switchboard.charges.v1\"}")
                        .contains("switchboard_analytics_consumer_lag{topic=\"switchboard.provider-health.v1\"}"));
    }

    @Inject
    dev.switchboard.analytics.messaging.ConsumerLag lag;

    @Test
    void theLagCountsWhatAGroupHasNotCommittedYet() throws Exception {
        UsageV1 usage = usage("gen-" + UUID.randomUUID(), UUID.randomUUID().toString());
        send(Topics.USAGE, UsageV1.TYPE, usage.eventId(), usage.generationId(), usage);
        // a group that never consumed lags by every record on the topic
        long onTopic = lag.lagOf("never-consumed-" + UUID.randomUUID(), java.util.List.of(Topics.USAGE))
                .get(Topics.USAGE);
        assertThat(onTopic).isPositive();
        // analytics' own group catches up with it
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            lag.measure();
            return lag.of(Topics.USAGE) == 0;
        });
        assertThat(lag.of("no.such.topic")).isEqualTo(-1);
    }

    @Test
    void aGenerationIsReadableWithItsBilledCostOnlyByItsAccount() {
        String generation = "gen-" + UUID.randomUUID();
        String account = UUID.randomUUID().toString();
        UsageV1 usage = usage(generation, account);
        send(Topics.USAGE, UsageV1.TYPE, usage.eventId(), generation, usage);
        send(Topics.CHARGES, ChargeV1.TYPE, usage.eventId(), account, charge(usage, 30_600L));

        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> given().header("X-Switchboard-Service-Token", TOKEN)
                        .queryParam("id", generation)
                        .queryParam("account_id", account)
                        .get("/internal/v1/generation")
                        .then()
                        .statusCode(200)
                        .body("data.id", equalTo(generation))
                        .body("data.total_cost", equalTo(0.0000306f))
                        .body("data.cost_nanos", equalTo(30_600))
                        .body("data.model", equalTo("openai/gpt-4o-mini"))
                        .body("data.provider_name", equalTo("OpenAI"))
                        .body("data.tokens_prompt", equalTo(12))
                        .body("data.tokens_completion", equalTo(48))
                        .body("data.streamed", equalTo(true))
                        .body("data.finish_reason", equalTo("stop"))
                        .body("data.provider_responses", hasSize(1)));

        given().header("X-Switchboard-Service-Token", TOKEN)
                .queryParam("id", generation)
                .queryParam("account_id", UUID.randomUUID().toString())
                .get("/internal/v1/generation")
                .then()
                .statusCode(404)
                .body("error.code", equalTo(404));
    }

    @Test
    void bothCountsAreStoredSoAProvidersDriftShows() {
        String account = UUID.randomUUID().toString();
        UsageV1 counted =
                Events.with(usage("gen-" + UUID.randomUUID(), account), "counted", new UsageV1.Counted(10, 45));
        UsageV1 uncounted = usage("gen-" + UUID.randomUUID(), account);
        send(Topics.USAGE, UsageV1.TYPE, counted.eventId(), counted.generationId(), counted);
        send(Topics.USAGE, UsageV1.TYPE, uncounted.eventId(), uncounted.generationId(), uncounted);
        String drift = "SELECT toInt64(completion_tokens) - toInt64(ifNull(counted_completion_tokens, 0)) AS drift,"
                + " toInt64(ifNull(counted_prompt_tokens, 0)) AS prompt, isNull(counted_completion_tokens) AS missing"
                + " FROM generations FINAL WHERE id = {id:String}";
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(store.query(drift, Map.of("id", counted.generationId())))
                        .singleElement()
                        .satisfies(r -> {
                            // the golden provider reported 48 completion tokens where Switchboard counted 45
                            assertThat(r.getLong("drift")).isEqualTo(counted.completionTokens() - 45L);
                            assertThat(r.getLong("prompt")).isEqualTo(10L);
                            assertThat(r.getLong("missing")).isZero();
                        }));
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(store.query(drift, Map.of("id", uncounted.generationId())))
                        .singleElement()
                        .satisfies(r -> assertThat(r.getLong("missing")).isEqualTo(1L)));
    }

    @Test
    void reconciliationReadsAWindowsGenerationsAndTheirChargesPageByPage() {
        // a window of its own, years ago, so no other test's rows fall in it
        Instant start = Instant.parse("2020-01-01T00:00:00Z")
                .plusSeconds(new java.util.Random().nextInt(100_000_000))
                .truncatedTo(ChronoUnit.SECONDS);
        String account = UUID.randomUUID().toString();
        java.util.List<String> ids = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) {
            UsageV1 u = Events.with(usage("gen-" + UUID.randomUUID(), account), "started_at", start.plusMillis(i));
            ids.add(u.generationId());
            send(Topics.USAGE, UsageV1.TYPE, u.eventId(), u.generationId(), u);
            if (i < 2) {
                send(Topics.CHARGES, ChargeV1.TYPE, u.eventId(), account, charge(u, 100L + i));
            }
        }
        // outside the window by a millisecond
        UsageV1 later = Events.with(usage("gen-" + UUID.randomUUID(), account), "started_at", start.plusMillis(3));
        send(Topics.USAGE, UsageV1.TYPE, later.eventId(), later.generationId(), later);
        java.util.Collections.sort(ids);
        long from = start.toEpochMilli();
        long to = start.plusMillis(3).toEpochMilli();

        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> given().header("X-Switchboard-Service-Token", TOKEN)
                        .queryParam("from", from)
                        .queryParam("to", to)
                        .get("/internal/v1/reconcile/generations")
                        .then()
                        .statusCode(200)
                        .body("generations.id", equalTo(ids))
                        .body("generations.findAll { it.charges.size() > 0 }.size()", equalTo(2)));
        var first = given().header("X-Switchboard-Service-Token", TOKEN)
                .queryParam("from", from)
                .queryParam("to", to)
                .queryParam("limit", 2)
                .get("/internal/v1/reconcile/generations")
                .then()
                .statusCode(200)
                .body("generations.id", equalTo(ids.subList(0, 2)))
                .extract();
        given().header("X-Switchboard-Service-Token", TOKEN)
                .queryParam("from", from)
                .queryParam("to", to)
                .queryParam("after", first.<String>path("generations[1].id"))
                .get("/internal/v1/reconcile/generations")
                .then()
                .statusCode(200)
                .body("generations.id", equalTo(ids.subList(2, 3)));
        given().header("X-Switchboard-Service-Token", TOKEN)
                .queryParam("from", to)
                .queryParam("to", from)
                .get("/internal/v1/reconcile/generations")
                .then()
                .statusCode(400);
    }

    @Test
    void redeliveredEventsLeaveOneRow() {
        String generation = "gen-" + UUID.randomUUID();
        String account = UUID.randomUUID().toString();
        UsageV1 usage = usage(generation, account);
        for (int i = 0; i < 3; i++) {
            send(Topics.USAGE, UsageV1.TYPE, usage.eventId(), generation, usage);
        }
        // a marker on the same record key (same partition, consumed after the three copies)
        UsageV1 marker = usage("gen-" + UUID.randomUUID(), account);
        send(Topics.USAGE, UsageV1.TYPE, marker.eventId(), generation, marker);
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(store.query(
                                        "SELECT count() AS n FROM generations FINAL WHERE id = {id:String}",
                                        Map.of("id", marker.generationId()))
                                .getFirst()
                                .getLong("n"))
                        .isEqualTo(1));

        // all three copies were inserted before the marker; the table collapses them to one
        assertThat(store.query(
                                "SELECT count() AS n FROM generations FINAL WHERE id = {id:String}",
                                Map.of("id", generation))
                        .getFirst()
                        .getLong("n"))
                .isEqualTo(1);
    }

    @Inject
    FreshRows freshRows;

    /**
     * A batch's ids spell a query over ClickHouse's max_query_size (256 KiB): it is looked up in parts;
     * an id with quotes, a backslash and a non-ASCII letter is found as stored.
     */
    @Test
    void aBatchWithMoreIdsThanOneQueryHoldsIsLookedUpInParts() {
        String padding = "-" + "x".repeat(40);
        UsageV1 stored = Events.with(
                usage(
                        "gen-" + UUID.randomUUID() + "-'\"\\é" + padding,
                        UUID.randomUUID().toString()),
                "provider",
                "lookup-" + UUID.randomUUID(),
                "model",
                "test/lookup");
        store.insertJsonRows("generations", Rows.jsonEachRow(List.of(row(stored))));
        List<Row> batch = new ArrayList<>();
        for (int i = 0; i < 12_000; i++) {
            batch.add(row(Events.with(stored, "generation_id", "gen-" + UUID.randomUUID() + padding)));
        }
        batch.add(row(stored));
        List<Row> fresh = freshRows.of(FreshRows.Identity.GENERATIONS, batch);
        assertThat(fresh).hasSize(12_000).noneMatch(r -> r.id().equals(stored.generationId()));
    }

    private static Row row(UsageV1 usage) {
        return new Row(
                usage.generationId(), true, Rows.millis(usage.completedAt()), Rows.generation(usage.eventId(), usage));
    }

    @Test
    void aMalformedRecordGoesToTheDlqAndTheRestOfTheBatchIsIngested() {
        String marker = "poison-" + UUID.randomUUID();
        TopicProbe.send(KafkaResource.bootstrapServers(), Topics.USAGE, marker, "{]".getBytes(StandardCharsets.UTF_8));
        String generation = "gen-" + UUID.randomUUID();
        UsageV1 usage = usage(generation, UUID.randomUUID().toString());
        send(Topics.USAGE, UsageV1.TYPE, usage.eventId(), generation, usage);

        assertThat(TopicProbe.find(
                        KafkaResource.bootstrapServers(),
                        Topics.deadLetter(Topics.USAGE),
                        r -> new String(r.value(), StandardCharsets.UTF_8).equals("{]"),
                        Duration.ofSeconds(20)))
                .isPresent();
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(store.query(
                                        "SELECT count() AS n FROM generations FINAL WHERE id = {id:String}",
                                        Map.of("id", generation))
                                .getFirst()
                                .getLong("n"))
                        .isEqualTo(1));
    }

    @Test
    void providerHealthEventsAreRecorded() {
        ProviderHealthV1 golden = GoldenEvents.read(Topics.PROVIDER_HEALTH, ProviderHealthV1.class)
                .data();
        String provider = "p-" + UUID.randomUUID().toString().substring(0, 8);
        ProviderHealthV1 event = new ProviderHealthV1(
                provider,
                golden.state(),
                golden.previousState(),
                golden.latencyMs(),
                golden.error(),
                golden.source(),
                Instant.now());
        send(Topics.PROVIDER_HEALTH, ProviderHealthV1.TYPE, provider + ":1", provider, event);
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(store.query(
                                "SELECT state FROM provider_health FINAL WHERE provider = {p:String}",
                                Map.of("p", provider)))
                        .singleElement()
                        .satisfies(r -> assertThat(r.getString("state")).isEqualTo("down")));
    }

    @Test
    void lookupsValidateTheirInputAndNeedTheServiceToken() {
        // every /internal path, served or not, is behind the credential
        given().get("/internal/v1/no-such-endpoint").then().statusCode(401).body("error.code", equalTo(401));
        given().queryParam("id", "gen-1")
                .queryParam("account_id", "a")
                .get("/internal/v1/generation")
                .then()
                .statusCode(401);
        given().header("X-Switchboard-Service-Token", TOKEN)
                .queryParam("id", "gen-1' OR 1=1 --")
                .queryParam("account_id", "a")
                .get("/internal/v1/generation")
                .then()
                .statusCode(400)
                .body("error.code", equalTo(400));
        given().header("X-Switchboard-Service-Token", TOKEN)
                .queryParam("account_id", "a")
                .get("/internal/v1/generation")
                .then()
                .statusCode(400);
    }
}
