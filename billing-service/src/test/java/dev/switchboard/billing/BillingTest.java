package dev.switchboard.billing;

import dev.switchboard.events.ChargeV1;
import dev.switchboard.events.CloudEvent;
import dev.switchboard.events.DeadLetters;
import dev.switchboard.events.EventCodec;
import dev.switchboard.events.GoldenEvents;
import dev.switchboard.events.Topics;
import dev.switchboard.events.UsageV1;
import dev.switchboard.testsupport.Events;
import dev.switchboard.testsupport.KafkaResource;
import dev.switchboard.testsupport.PostgresResource;
import dev.switchboard.testsupport.TopicProbe;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

@QuarkusTest
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = KafkaResource.class, restrictToAnnotatedClass = false)
class BillingTest {

    static UsageV1 usage(String generation, String model, String provider, int prompt, int completion, int cached) {
        UsageV1 g = GoldenEvents.read(Topics.USAGE, UsageV1.class).data();
        return new UsageV1(
                generation,
                0,
                true,
                UUID.randomUUID().toString(),
                g.keyId(),
                generation,
                model,
                model,
                provider,
                g.upstreamModel(),
                "success",
                "stop",
                null,
                true,
                prompt,
                completion,
                cached,
                0,
                "provider",
                999_999L,
                g.attempts(),
                50L,
                100L,
                Instant.now(),
                Instant.now());
    }

    static void publish(UsageV1 usage) {
        CloudEvent<UsageV1> event =
                CloudEvent.of(UsageV1.TYPE, usage.eventId(), "/test", usage.generationId(), Instant.now(), usage);
        TopicProbe.send(KafkaResource.bootstrapServers(), Topics.USAGE, usage.generationId(), EventCodec.encode(event));
    }

    static List<ChargeV1> charges(String generation, Duration wait) {
        List<ChargeV1> found = new java.util.ArrayList<>();
        TopicProbe.find(
                KafkaResource.bootstrapServers(),
                Topics.CHARGES,
                r -> {
                    ChargeV1 c = EventCodec.decode(r.value(), ChargeV1.TYPE, ChargeV1.class)
                            .data();
                    if (c.generationId().equals(generation)) {
                        found.add(c);
                    }
                    return false;
                },
                wait);
        return found;
    }

    @Test
    void aLongStreamsInterimAndFinalEventsAreChargedTheirDifferencesWhichAddUpToTheWhole() {
        String generation = "gen-" + UUID.randomUUID();
        UsageV1 whole = usage(generation, "openai/gpt-4o-mini", "openai", 12, 1_001, 0);
        UsageV1.Billed first = new UsageV1.Billed(12, 333, 0, 0, 0, 0);
        UsageV1.Billed second = new UsageV1.Billed(12, 667, 0, 0, 0, 0);
        publish(Events.with(
                whole, "sequence", 1, "is_final", false, "status", "in_progress", "completion_tokens", 333));
        publish(Events.with(
                whole,
                "sequence",
                2,
                "is_final",
                false,
                "status",
                "in_progress",
                "completion_tokens",
                667,
                "billed_before",
                first));
        publish(Events.with(whole, "billed_before", second));

        // gpt-4o-mini at OpenAI: 150,000 pico per prompt token, 600,000 per completion token
        long total = (12 * 150_000L + 1_001 * 600_000L + 500) / 1_000;
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(charges(generation, Duration.ofSeconds(2)))
                        .hasSize(3)
                        .satisfies(cs -> {
                            assertThat(cs.stream()
                                            .mapToLong(ChargeV1::costNanos)
                                            .sum())
                                    .isEqualTo(total);
                            assertThat(cs.stream()
                                            .mapToInt(ChargeV1::completionTokens)
                                            .sum())
                                    .isEqualTo(1_001);
                            assertThat(cs.stream()
                                            .mapToInt(ChargeV1::promptTokens)
                                            .sum())
                                    .isEqualTo(12);
                            assertThat(cs.stream().filter(ChargeV1::isFinal).count())
                                    .isEqualTo(1);
                        }));
    }

    @Test
    void aFinalCountBelowWhatInterimEventsBilledIsChargedNothingMore() {
        String generation = "gen-" + UUID.randomUUID();
        UsageV1 fin = Events.with(
                usage(generation, "openai/gpt-4o-mini", "openai", 12, 40, 0),
                "billed_before",
                new UsageV1.Billed(12, 45, 0, 0, 0, 0));
        publish(fin);

        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> given().header("X-Switchboard-Service-Token", "dev-internal-token")
                        .get("/internal/v1/ledger/" + generation)
                        .then()
                        .statusCode(200)
                        .body("cost_nanos", equalTo(0))
                        .body("completion_tokens", equalTo(0))
                        .body("waived_reason", org.hamcrest.Matchers.nullValue()));
    }

    @Test
    void reconciliationReadsAWindowsLedgerEntriesPageByPage() {
        // a window of its own, years ago, so no other test's entries fall in it
        Instant start = Instant.parse("2020-01-01T00:00:00Z")
                .plusSeconds(new java.util.Random().nextInt(100_000_000))
                .truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        List<String> ids = new java.util.ArrayList<>();
        for (int i = 0; i < 4; i++) {
            UsageV1 u = Events.with(
                    usage("gen-" + UUID.randomUUID(), "openai/gpt-4o-mini", "openai", 10, 10, 0),
                    "started_at",
                    start.plusMillis(i));
            if (i < 3) {
                ids.add(u.generationId());
            }
            publish(u);
        }
        java.util.Collections.sort(ids);
        long from = start.toEpochMilli();
        long to = start.plusMillis(3).toEpochMilli();
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> given().header("X-Switchboard-Service-Token", "dev-internal-token")
                        .queryParam("from", from)
                        .queryParam("to", to)
                        .get("/internal/v1/reconcile/ledger")
                        .then()
                        .statusCode(200)
                        .body("entries.generationId", equalTo(ids))
                        .body("entries.costNanos", equalTo(List.of(7_500, 7_500, 7_500))));
        given().header("X-Switchboard-Service-Token", "dev-internal-token")
                .queryParam("from", from)
                .queryParam("to", to)
                .queryParam("after_generation", ids.get(0))
                .queryParam("after_sequence", 0)
                .queryParam("limit", 1)
                .get("/internal/v1/reconcile/ledger")
                .then()
                .statusCode(200)
                .body("entries.generationId", equalTo(ids.subList(1, 2)));
        given().header("X-Switchboard-Service-Token", "dev-internal-token")
                .queryParam("from", from)
                .get("/internal/v1/reconcile/ledger")
                .then()
                .statusCode(400);
        given().queryParam("from", from)
                .queryParam("to", to)
                .get("/internal/v1/reconcile/ledger")
                .then()
                .statusCode(401);
    }

    @Test
    void theGoldenUsageEventIsPricedExactlyIntoTheLedgerAndCharged() {
        UsageV1 golden = GoldenEvents.read(Topics.USAGE, UsageV1.class).data();
        String generation = "gen-" + UUID.randomUUID();
        UsageV1 usage = usage(
                generation, golden.model(), golden.provider(), golden.promptTokens(), golden.completionTokens(), 0);
        publish(usage);

        // 12 prompt tokens at 150,000 pico + 48 completion at 600,000 pico = 30,600 nano-USD: the golden charge's cost
        long expected = GoldenEvents.read(Topics.CHARGES, ChargeV1.class).data().costNanos();
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> given().header("X-Switchboard-Service-Token", "dev-internal-token")
                        .get("/internal/v1/ledger/" + generation)
                        .then()
                        .statusCode(200)
                        .body("cost_nanos", equalTo((int) expected))
                        .body("usage_source", equalTo("provider")));

        ConsumerRecord<String, byte[]> record = TopicProbe.find(
                        KafkaResource.bootstrapServers(),
                        Topics.CHARGES,
                        r -> new String(r.value(), StandardCharsets.UTF_8).contains(generation),
                        Duration.ofSeconds(20))
                .orElseThrow();
        assertThat(record.key()).isEqualTo(usage.accountId());
        ChargeV1 charge =
                EventCodec.decode(record.value(), ChargeV1.TYPE, ChargeV1.class).data();
        assertThat(charge.costNanos()).isEqualTo(expected);
        assertThat(charge.chargeId()).isEqualTo(generation + ":0");
        assertThat(charge.holdId()).isEqualTo(generation);
        assertThat(charge.isFinal()).isTrue();
    }

    @Test
    void cachedTokensAreBilledAtTheCachedPrice() {
        String generation = "gen-" + UUID.randomUUID();
        publish(usage(generation, "openai/gpt-4o-mini", "openai", 1000, 0, 400));
        // 600 * 150,000 + 400 * 75,000 pico = 120,000 nano
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> given().header("X-Switchboard-Service-Token", "dev-internal-token")
                        .get("/internal/v1/ledger/" + generation)
                        .then()
                        .statusCode(200)
                        .body("cost_nanos", equalTo(120_000)));
    }

    /** The event's prices (the catalog version it was routed with), not billing's catalog, set the cost. */
    @Test
    void aUsageEventIsChargedAtThePricesItWasRoutedWith() {
        // gpt-4o-mini is 150,000 / 600,000 pico in billing's catalog; the router routed at a price edited since
        String repriced = "gen-" + UUID.randomUUID();
        publish(Events.with(
                usage(repriced, "openai/gpt-4o-mini", "openai", 1000, 100, 400),
                "routing",
                "price",
                "prices",
                new UsageV1.Prices(300_000, 1_200_000, 30_000, 1_200_000, 5_000, 0)));
        // 600 * 300,000 + 400 * 30,000 + 100 * 1,200,000 pico = 312,000 nano, plus the 5,000 nano request fee
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> given().header("X-Switchboard-Service-Token", "dev-internal-token")
                        .get("/internal/v1/ledger/" + repriced)
                        .then()
                        .statusCode(200)
                        .body("cost_nanos", equalTo(317_000)));

        // an endpoint removed from the catalog since routing is still charged at its routed prices
        String removed = "gen-" + UUID.randomUUID();
        publish(Events.with(
                usage(removed, "acme/retired", "acme", 1000, 100, 0),
                "routing",
                "price",
                "prices",
                new UsageV1.Prices(1_000_000, 2_000_000, 0, 0, 0, 0)));
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> given().header("X-Switchboard-Service-Token", "dev-internal-token")
                        .get("/internal/v1/ledger/" + removed)
                        .then()
                        .statusCode(200)
                        .body("cost_nanos", equalTo(1_200_000)));
    }

    /** The outbox holds one charge per ledger entry: a redelivered event writes nothing and publishes nothing more. */
    @Test
    void aRedeliveredUsageEventWritesOneLedgerEntryAndOneCharge() {
        String generation = "gen-" + UUID.randomUUID();
        UsageV1 usage = usage(generation, "openai/gpt-4o", "openai", 100, 100, 0);
        publish(usage);
        publish(usage);
        // a third event on the same key (so the same partition, behind both deliveries): once it is in
        // the ledger, the repeat has been consumed
        String after = "gen-" + UUID.randomUUID();
        UsageV1 next = usage(after, "openai/gpt-4o", "openai", 1, 1, 0);
        TopicProbe.send(
                KafkaResource.bootstrapServers(),
                Topics.USAGE,
                generation,
                EventCodec.encode(CloudEvent.of(UsageV1.TYPE, next.eventId(), "/test", after, Instant.now(), next)));
        await().atMost(Duration.ofSeconds(20))
                .until(() -> !charges(after, Duration.ofSeconds(1)).isEmpty());
        List<ChargeV1> charges = charges(generation, Duration.ofSeconds(2));
        assertThat(charges).singleElement().satisfies(c -> {
            assertThat(c.chargeId()).isEqualTo(generation + ":0");
            assertThat(c.costNanos()).isEqualTo(1_250_000L);
        });
    }

    @Test
    void aRequestNoProviderServedCostsNothingButStillSettlesItsHold() {
        String generation = "gen-" + UUID.randomUUID();
        UsageV1 base = usage(generation, null, null, 0, 0, 0);
        UsageV1 failed = new UsageV1(
                generation,
                0,
                true,
                base.accountId(),
                base.keyId(),
                generation,
                "x/y",
                null,
                null,
                null,
                "error",
                null,
                "no_provider",
                false,
                0,
                0,
                0,
                0,
                "estimated",
                0,
                List.of(),
                null,
                3,
                Instant.now(),
                Instant.now());
        publish(failed);
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(charges(generation, Duration.ofSeconds(1)))
                        .singleElement()
                        .satisfies(c -> assertThat(c.costNanos()).isZero()));
    }

    @Test
    void eachChargeOfABatchContinuesTheTraceOfItsUsageRecord() {
        UsageV1 golden = GoldenEvents.read(Topics.USAGE, UsageV1.class).data();
        List<String> generations = new java.util.ArrayList<>();
        List<String> traces = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String generation = "gen-" + UUID.randomUUID();
            String trace = UUID.randomUUID().toString().replace("-", "");
            UsageV1 usage = usage(generation, golden.model(), golden.provider(), 10, 10, 0);
            CloudEvent<UsageV1> event =
                    CloudEvent.of(UsageV1.TYPE, usage.eventId(), "/test", generation, Instant.now(), usage);
            TopicProbe.send(
                    KafkaResource.bootstrapServers(),
                    Topics.USAGE,
                    generation,
                    EventCodec.encode(event),
                    java.util.Map.of("traceparent", "00-" + trace + "-00f067aa0ba902b7-01"));
            generations.add(generation);
            traces.add(trace);
        }
        for (int i = 0; i < 3; i++) {
            String generation = generations.get(i);
            ConsumerRecord<String, byte[]> record = TopicProbe.find(
                            KafkaResource.bootstrapServers(),
                            Topics.CHARGES,
                            r -> new String(r.value(), StandardCharsets.UTF_8).contains(generation),
                            Duration.ofSeconds(20))
                    .orElseThrow();
            assertThat(new String(record.headers().lastHeader("traceparent").value(), StandardCharsets.UTF_8))
                    .contains(traces.get(i));
        }
    }

    @Test
    void poisonUsageGoesToTheDeadLetterTopic() {
        String marker = "poison-" + UUID.randomUUID();
        TopicProbe.send(
                KafkaResource.bootstrapServers(), Topics.USAGE, marker, "garbage".getBytes(StandardCharsets.UTF_8));
        assertThat(TopicProbe.find(
                        KafkaResource.bootstrapServers(),
                        Topics.deadLetter(Topics.USAGE),
                        r -> marker.equals(r.key()),
                        Duration.ofSeconds(20)))
                .hasValueSatisfying(r ->
                        assertThat(r.headers().lastHeader(DeadLetters.REASON)).isNotNull());
    }

    @Test
    void ledgerLookupsNeedTheServiceToken() {
        given().get("/internal/v1/ledger/gen-x").then().statusCode(401);
        given().get("/internal/v1/no-such-endpoint").then().statusCode(401);
        given().header("X-Switchboard-Service-Token", "dev-internal-token")
                .get("/internal/v1/ledger/gen-unknown")
                .then()
                .statusCode(404)
                .body("error.code", equalTo(404));
    }
}
