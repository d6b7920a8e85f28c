package dev.switchboard.auth;

import dev.switchboard.auth.service.HoldSweeper;
import dev.switchboard.events.ChargeV1;
import dev.switchboard.events.CloudEvent;
import dev.switchboard.events.EventCodec;
import dev.switchboard.events.GoldenEvents;
import dev.switchboard.events.Topics;
import dev.switchboard.testsupport.KafkaResource;
import dev.switchboard.testsupport.PostgresResource;
import dev.switchboard.testsupport.TopicProbe;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@QuarkusTest
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = KafkaResource.class, restrictToAnnotatedClass = false)
class SettlementTest {

    @Inject
    HoldSweeper sweeper;

    @Inject
    Pool pool;

    private static void publish(ChargeV1 charge) {
        CloudEvent<ChargeV1> event = CloudEvent.of(ChargeV1.TYPE, charge.chargeId(), "/test", charge.accountId(), Instant.now(), charge);
        TopicProbe.send(KafkaResource.bootstrapServers(), Topics.CHARGES, charge.accountId(), EventCodec.encode(event));
    }

    private static ChargeV1 charge(String account, String generation, long cost) {
        ChargeV1 golden = GoldenEvents.read(Topics.CHARGES, ChargeV1.class).data();
        return new ChargeV1(ChargeV1.chargeId(generation, 0), generation, 0, true, account, golden.keyId(), generation,
                golden.model(), golden.provider(), 10, 20, 0, 0, cost, "USD", Instant.now());
    }

    @Test
    void aFinalChargeDebitsTheCostAndReleasesTheRestOfTheHold() {
        String account = AuthApi.account("1.00");
        String key = AuthApi.key(account, "inference");
        String generation = "gen-" + UUID.randomUUID();
        AuthApi.authorize(key, generation, 300_000_000L).statusCode(200);

        publish(charge(account, generation, 12_345L));

        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            assertThat(AuthApi.balance(account)).isEqualTo(1_000_000_000L - 12_345L);
            assertThat(AuthApi.held(account)).isZero();
        });
    }

    @Test
    void aDuplicateChargeChangesNothing() {
        String account = AuthApi.account("1.00");
        String key = AuthApi.key(account, "inference");
        String generation = "gen-" + UUID.randomUUID();
        AuthApi.authorize(key, generation, 300_000_000L).statusCode(200);
        ChargeV1 charge = charge(account, generation, 50_000L);

        publish(charge);
        publish(charge);
        // a marker charge on the same account, published after the duplicate: once it is applied,
        // the duplicate has been consumed too (same partition, same key)
        String marker = "gen-" + UUID.randomUUID();
        AuthApi.authorize(key, marker, 1_000L).statusCode(200);
        publish(charge(account, marker, 1L));

        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(AuthApi.held(account)).isZero());
        assertThat(AuthApi.balance(account)).isEqualTo(1_000_000_000L - 50_000L - 1L);
    }

    @Test
    void aMalformedChargeGoesToTheDeadLetterTopic() {
        String marker = "poison-" + UUID.randomUUID();
        TopicProbe.send(KafkaResource.bootstrapServers(), Topics.CHARGES, marker, "{\"nope\":".getBytes(StandardCharsets.UTF_8));
        assertThat(TopicProbe.find(KafkaResource.bootstrapServers(), Topics.deadLetter(Topics.CHARGES),
                r -> marker.equals(r.key()), Duration.ofSeconds(20))).isPresent();
    }

    @Test
    void expiredHoldsAreReleasedAndALateChargeIsStillDebited() {
        String account = AuthApi.account("1.00");
        String key = AuthApi.key(account, "inference");
        String generation = "gen-" + UUID.randomUUID();
        AuthApi.authorize(key, generation, 200_000_000L).statusCode(200);
        pool.preparedQuery("UPDATE auth.holds SET expires_at = now() - interval '1 minute' WHERE id = $1")
                .execute(Tuple.of(generation)).await().indefinitely();

        long expired = sweeper.sweep(500).await().indefinitely();

        assertThat(expired).isGreaterThanOrEqualTo(1);
        assertThat(AuthApi.held(account)).isZero();
        publish(charge(account, generation, 7_000L));
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
                assertThat(AuthApi.balance(account)).isEqualTo(1_000_000_000L - 7_000L));
        assertThat(AuthApi.held(account)).isZero();
    }
}
