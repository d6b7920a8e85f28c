package dev.switchboard.billing;

import dev.switchboard.events.ChargeV1;
import dev.switchboard.events.CloudEvent;
import dev.switchboard.events.DeadLetterReplay;
import dev.switchboard.events.DeadLetters;
import dev.switchboard.events.EventCodec;
import dev.switchboard.events.Topics;
import dev.switchboard.events.UsageV1;
import dev.switchboard.testsupport.KafkaResource;
import dev.switchboard.testsupport.PostgresResource;
import dev.switchboard.testsupport.TopicProbe;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

/** The charge outbox and its relay, and the DLQ replay that re-drives billing's input. */
@QuarkusTest
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = KafkaResource.class, restrictToAnnotatedClass = false)
class ChargeOutboxTest {

    @Inject
    Pool pool;

    private Instant publishedAt(String chargeId) {
        return pool.preparedQuery("SELECT published_at FROM billing.charge_outbox WHERE charge_id = $1")
                .execute(Tuple.of(chargeId))
                .map(rows -> rows.size() == 0
                        ? null
                        : rows.iterator().next().getOffsetDateTime("published_at") == null
                                ? null
                                : rows.iterator()
                                        .next()
                                        .getOffsetDateTime("published_at")
                                        .toInstant())
                .await()
                .atMost(Duration.ofSeconds(5));
    }

    @Test
    void aPricedUsageEventsChargeIsPublishedFromTheOutboxAndMarked() {
        String generation = "gen-" + UUID.randomUUID();
        BillingTest.publish(BillingTest.usage(generation, "openai/gpt-4o-mini", "openai", 10, 10, 0));
        await().atMost(Duration.ofSeconds(20))
                .until(() ->
                        !BillingTest.charges(generation, Duration.ofSeconds(1)).isEmpty());
        await().atMost(Duration.ofSeconds(10)).until(() -> publishedAt(generation + ":0") != null);
    }

    /** What a billing crash after the ledger commit leaves behind: a charge in the outbox, unpublished. */
    @Test
    void aChargeLeftUnpublishedByACrashIsPublishedByTheRelay() {
        String generation = "gen-" + UUID.randomUUID();
        String account = UUID.randomUUID().toString();
        ChargeV1 charge = new ChargeV1(
                ChargeV1.chargeId(generation, 0),
                generation,
                0,
                true,
                account,
                UUID.randomUUID().toString(),
                generation,
                "openai/gpt-4o-mini",
                "openai",
                10,
                10,
                0,
                0,
                7_500L,
                "USD",
                Instant.now());
        byte[] payload = EventCodec.encode(
                CloudEvent.of(ChargeV1.TYPE, charge.chargeId(), "/test", account, Instant.now(), charge));
        pool.preparedQuery("INSERT INTO billing.charge_outbox (charge_id, account_id, payload) VALUES ($1, $2, $3)")
                .execute(Tuple.of(charge.chargeId(), UUID.fromString(account), Buffer.buffer(payload)))
                .await()
                .atMost(Duration.ofSeconds(5));

        // no usage event and no nudge: the relay's own round finds it
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(BillingTest.charges(generation, Duration.ofSeconds(1)))
                        .singleElement()
                        .satisfies(c -> assertThat(c.costNanos()).isEqualTo(7_500L)));
        await().atMost(Duration.ofSeconds(10)).until(() -> publishedAt(charge.chargeId()) != null);
    }

    @Test
    void aReplayedDeadLetterIsBilledOnceAndNotReplayedAgain() throws Exception {
        String generation = "gen-" + UUID.randomUUID();
        String reason = "test incident " + UUID.randomUUID();
        UsageV1 usage = BillingTest.usage(generation, "openai/gpt-4o-mini", "openai", 1000, 0, 0);
        byte[] record = EventCodec.encode(
                CloudEvent.of(UsageV1.TYPE, usage.eventId(), "/test", generation, Instant.now(), usage));
        // parked during an incident, as a consumer parks it: the record with the reason in a header
        TopicProbe.send(
                KafkaResource.bootstrapServers(),
                Topics.deadLetter(Topics.USAGE),
                generation,
                record,
                Map.of(DeadLetters.REASON, reason));

        DeadLetterReplay.Result listed =
                DeadLetterReplay.replay(KafkaResource.bootstrapServers(), Topics.USAGE, true, System.out);
        assertThat(listed.reasons()).containsEntry(reason, 1);
        assertThat(listed.replayed()).isZero();

        DeadLetterReplay.Result replayed =
                DeadLetterReplay.replay(KafkaResource.bootstrapServers(), Topics.USAGE, false, System.out);
        assertThat(replayed.reasons()).containsEntry(reason, 1);
        assertThat(replayed.replayed()).isEqualTo(replayed.found());
        // 1,000 prompt tokens at 150,000 pico = 150,000 nano-USD
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> given().header("X-Switchboard-Service-Token", "dev-internal-token")
                        .get("/internal/v1/ledger/" + generation)
                        .then()
                        .statusCode(200)
                        .body("cost_nanos", equalTo(150_000)));

        DeadLetterReplay.Result again =
                DeadLetterReplay.replay(KafkaResource.bootstrapServers(), Topics.USAGE, false, System.out);
        assertThat(again.reasons()).doesNotContainKey(reason);
    }
}
