package dev.switchboard.auth;

import dev.switchboard.auth.service.CreditLeases;
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
    CreditLeases leases;

    @Inject
    Pool pool;

    private static void publish(ChargeV1 charge) {
        CloudEvent<ChargeV1> event =
                CloudEvent.of(ChargeV1.TYPE, charge.chargeId(), "/test", charge.accountId(), Instant.now(), charge);
        TopicProbe.send(KafkaResource.bootstrapServers(), Topics.CHARGES, charge.accountId(), EventCodec.encode(event));
    }

    static ChargeV1 charge(String account, String key, String generation, String hold, long cost) {
        ChargeV1 golden = GoldenEvents.read(Topics.CHARGES, ChargeV1.class).data();
        return new ChargeV1(
                ChargeV1.chargeId(generation, 0),
                generation,
                0,
                true,
                account,
                AuthApi.keyId(key),
                hold,
                golden.model(),
                golden.provider(),
                10,
                20,
                0,
                0,
                cost,
                "USD",
                Instant.now());
    }

    @Test
    void aFinalChargeDebitsTheCostAndReleasesTheRestOfTheHold() {
        String account = AuthApi.account("1.00");
        String key = AuthApi.key(account, "inference");
        String generation = "gen-" + UUID.randomUUID();
        String hold = AuthApi.hold(key, generation, 300_000_000L);

        publish(charge(account, key, generation, hold, 12_345L));

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
        String hold = AuthApi.hold(key, generation, 300_000_000L);
        ChargeV1 charge = charge(account, key, generation, hold, 50_000L);

        publish(charge);
        publish(charge);
        // a marker charge on the same account, published after the duplicate: once it is applied,
        // the duplicate has been consumed too (same partition, same key)
        String marker = "gen-" + UUID.randomUUID();
        String markerHold = AuthApi.hold(key, marker, 1_000L);
        publish(charge(account, key, marker, markerHold, 1L));

        await().atMost(Duration.ofSeconds(15))
                .untilAsserted(() -> assertThat(AuthApi.held(account)).isZero());
        assertThat(AuthApi.balance(account)).isEqualTo(1_000_000_000L - 50_000L - 1L);
    }

    @Test
    void aMalformedChargeGoesToTheDeadLetterTopic() {
        String marker = "poison-" + UUID.randomUUID();
        TopicProbe.send(
                KafkaResource.bootstrapServers(),
                Topics.CHARGES,
                marker,
                "{\"nope\":".getBytes(StandardCharsets.UTF_8));
        assertThat(TopicProbe.find(
                        KafkaResource.bootstrapServers(),
                        Topics.deadLetter(Topics.CHARGES),
                        r -> marker.equals(r.key()),
                        Duration.ofSeconds(20)))
                .isPresent();
    }

    @Test
    void expiredHoldsAreReleasedAndALateChargeIsStillDebited() {
        String account = AuthApi.account("1.00");
        String key = AuthApi.key(account, "inference");
        String generation = "gen-" + UUID.randomUUID();
        String hold = AuthApi.hold(key, generation, 200_000_000L);

        int expired = leases.expireHolds(0);

        assertThat(expired).isGreaterThanOrEqualTo(1);
        assertThat(AuthApi.held(account)).isZero();
        publish(charge(account, key, generation, hold, 7_000L));
        await().atMost(Duration.ofSeconds(15))
                .untilAsserted(() -> assertThat(AuthApi.balance(account)).isEqualTo(1_000_000_000L - 7_000L));
        assertThat(AuthApi.held(account)).isZero();
    }

    @Test
    void aBurstOfChargesIsSettledExactlyOnceEach() {
        String account = AuthApi.account("1.00");
        String key = AuthApi.key(account, "inference");
        String other = AuthApi.key(account, "inference");
        long total = 0;
        java.util.List<ChargeV1> sent = new java.util.ArrayList<>();
        for (int i = 0; i < 40; i++) {
            String generation = "gen-" + UUID.randomUUID();
            String k = i % 2 == 0 ? key : other;
            String hold = AuthApi.hold(k, generation, 10_000_000L);
            ChargeV1 charge = charge(account, k, generation, hold, 1_000L + i);
            sent.add(charge);
            total += charge.costNanos();
        }
        // every charge published, the first ten twice: one settlement each
        sent.forEach(SettlementTest::publish);
        sent.subList(0, 10).forEach(SettlementTest::publish);
        long expected = total;
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(AuthApi.balance(account)).isEqualTo(1_000_000_000L - expected);
            assertThat(AuthApi.held(account)).isZero();
        });
        var spent = pool.preparedQuery("SELECT sum(total_spent_nanos) AS s FROM auth.api_keys WHERE account_id = $1")
                .execute(Tuple.of(UUID.fromString(account)))
                .await()
                .indefinitely()
                .iterator()
                .next()
                .getLong("s");
        assertThat(spent).isEqualTo(expected);
        var days = pool.preparedQuery(
                        "SELECT sum(d.spent_nanos) AS s FROM auth.key_spend_days d JOIN auth.api_keys k ON k.id = d.key_id"
                                + " WHERE k.account_id = $1")
                .execute(Tuple.of(UUID.fromString(account)))
                .await()
                .indefinitely()
                .iterator()
                .next()
                .getLong("s");
        assertThat(days).isEqualTo(expected);
    }

    @Test
    void aClosedLeaseIsSweptOnceItsChargesHadTimeToArrive() {
        String account = AuthApi.account("1.00");
        String key = AuthApi.key(account, "inference");
        String generation = "gen-" + UUID.randomUUID();
        String hold = AuthApi.hold(key, generation, 100_000_000L);
        // the request ended at 5,000 but its charge never comes: the cost stays in the lease
        AuthApi.internal()
                .body(java.util.Map.of("costNanos", 5_000L))
                .post("/internal/v1/holds/" + hold + "/finish")
                .then()
                .statusCode(204);
        leases.invalidateKey(UUID.fromString(AuthApi.keyId(key)));
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(leaseAmount(hold)).isEqualTo(5_000L));
        assertThat(AuthApi.held(account)).isEqualTo(5_000L);

        int swept = leases.sweep(Instant.now().plusSeconds(1)).await().indefinitely();

        assertThat(swept).isGreaterThanOrEqualTo(1);
        assertThat(leaseAmount(hold)).isNull();
        assertThat(AuthApi.held(account)).isZero();
        assertThat(AuthApi.balance(account)).isEqualTo(1_000_000_000L);
    }

    private Long leaseAmount(String hold) {
        var rows = pool.preparedQuery("SELECT amount_nanos FROM auth.credit_leases WHERE id = $1")
                .execute(Tuple.of(CreditLeases.leaseOf(hold)))
                .await()
                .indefinitely();
        return rows.iterator().hasNext() ? rows.iterator().next().getLong("amount_nanos") : null;
    }
}
