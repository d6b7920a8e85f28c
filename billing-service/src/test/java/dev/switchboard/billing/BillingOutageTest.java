package dev.switchboard.billing;

import dev.switchboard.events.CloudEvent;
import dev.switchboard.events.DeadLetters;
import dev.switchboard.events.EventCodec;
import dev.switchboard.events.Topics;
import dev.switchboard.events.UsageV1;
import dev.switchboard.testsupport.Events;
import dev.switchboard.testsupport.KafkaResource;
import dev.switchboard.testsupport.ProxiedPostgresResource;
import dev.switchboard.testsupport.TopicProbe;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

/**
 * PostgreSQL goes away for billing (its connections through a proxy are cut) for longer than the
 * retries of old, which gave up after about 20 s and parked the batch on the DLQ: consumption
 * pauses, nothing is parked for the outage, and once the database is back every event is in the
 * ledger once with its charge; the one event the database refuses as data is parked alone.
 */
@QuarkusTest
@TestProfile(ProxiedPostgresResource.Profile.class)
class BillingOutageTest {

    private static Optional<ConsumerRecord<String, byte[]>> parked(String generation, Duration wait) {
        return TopicProbe.find(
                KafkaResource.bootstrapServers(),
                Topics.deadLetter(Topics.USAGE),
                r -> generation.equals(r.key()),
                wait);
    }

    @Test
    void aDatabaseOutageLongerThanTheOldRetriesPausesBillingAndLosesNothing() {
        // the app is up and writing before the outage
        String before = "gen-" + UUID.randomUUID();
        BillingTest.publish(BillingTest.usage(before, "openai/gpt-4o-mini", "openai", 10, 10, 0));
        await().atMost(Duration.ofSeconds(20))
                .until(() -> !BillingTest.charges(before, Duration.ofSeconds(1)).isEmpty());

        ProxiedPostgresResource.proxy().cut();
        List<String> generations = List.of("gen-" + UUID.randomUUID(), "gen-" + UUID.randomUUID());
        for (String generation : generations) {
            BillingTest.publish(BillingTest.usage(generation, "openai/gpt-4o-mini", "openai", 1000, 100, 0));
        }
        String refused = "gen-" + UUID.randomUUID();
        // no status: the ledger's NOT NULL refuses it as data
        UsageV1 bad = Events.with(BillingTest.usage(refused, "openai/gpt-4o-mini", "openai", 1, 1, 0), "status", null);
        TopicProbe.send(
                KafkaResource.bootstrapServers(),
                Topics.USAGE,
                refused,
                EventCodec.encode(CloudEvent.of(UsageV1.TYPE, bad.eventId(), "/test", refused, Instant.now(), bad)));

        // 25 s without a database: the old consumer had given up (8 retries, 200 ms to 5 s apart) and parked
        // the batch by then
        assertThat(parked(generations.get(0), Duration.ofSeconds(25))).isEmpty();
        ProxiedPostgresResource.proxy().restore();

        // 1,000 prompt tokens at 150,000 pico + 100 completion at 600,000 pico = 210,000 nano-USD
        for (String generation : generations) {
            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> given().header("X-Switchboard-Service-Token", "dev-internal-token")
                            .get("/internal/v1/ledger/" + generation)
                            .then()
                            .statusCode(200)
                            .body("cost_nanos", equalTo(210_000)));
            assertThat(BillingTest.charges(generation, Duration.ofSeconds(2)))
                    .singleElement()
                    .satisfies(c -> assertThat(c.costNanos()).isEqualTo(210_000L));
        }
        assertThat(parked(refused, Duration.ofSeconds(20)))
                .hasValueSatisfying(r -> assertThat(new String(
                                r.headers().lastHeader(DeadLetters.REASON).value(), StandardCharsets.UTF_8))
                        .contains("the ledger refused it")
                        .contains("23502"));
        for (String generation : generations) {
            assertThat(parked(generation, Duration.ofSeconds(1))).isEmpty();
        }
        given().header("X-Switchboard-Service-Token", "dev-internal-token")
                .get("/internal/v1/ledger/" + refused)
                .then()
                .statusCode(404);
    }
}
