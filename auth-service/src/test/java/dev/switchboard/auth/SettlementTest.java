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

    /** A lease that reserves 5,000 for a finished request whose charge has not come, closed (its key changed). */
    private String closedLeaseAwaitingACharge(String account, String key, String generation) {
        String hold = AuthApi.hold(key, generation, 100_000_000L);
        AuthApi.internal()
                .body(java.util.Map.of("costNanos", 5_000L))
                .post("/internal/v1/holds/" + hold + "/finish")
                .then()
                .statusCode(204);
        leases.invalidateKey(UUID.fromString(AuthApi.keyId(key)));
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(leaseAmount(hold)).isEqualTo(5_000L));
        assertThat(AuthApi.held(account)).isEqualTo(5_000L);
        return hold;
    }

    @Test
    void aClosedLeaseWaitsForItsChargesHoweverLateTheyCome() {
        String account = AuthApi.account("1.00");
        String key = AuthApi.key(account, "inference");
        String generation = "gen-" + UUID.randomUUID();
        String hold = closedLeaseAwaitingACharge(account, key, generation);
        // closed a day ago, its charge still in a stalled pipeline: the sweep leaves it reserved
        pool.preparedQuery("UPDATE auth.credit_leases SET closed_at = now() - interval '1 day' WHERE id = $1")
                .execute(Tuple.of(CreditLeases.leaseOf(hold)))
                .await()
                .indefinitely();

        leases.sweep(Instant.now().minusSeconds(60)).await().indefinitely();

        assertThat(leaseAmount(hold)).isEqualTo(5_000L);
        assertThat(AuthApi.held(account)).isEqualTo(5_000L);

        publish(charge(account, key, generation, hold, 5_000L));
        await().atMost(Duration.ofSeconds(15))
                .untilAsserted(() -> assertThat(leaseAmount(hold)).isZero());
        leases.sweep(Instant.now().minusSeconds(60)).await().indefinitely();

        assertThat(leaseAmount(hold)).isNull();
        assertThat(AuthApi.held(account)).isZero();
        assertThat(AuthApi.balance(account)).isEqualTo(1_000_000_000L - 5_000L);
    }

    @Test
    void theOperatorReleasesAClosedLeaseWhoseChargesWillNotCome() {
        String account = AuthApi.account("1.00");
        String key = AuthApi.key(account, "inference");
        String hold = closedLeaseAwaitingACharge(account, key, "gen-" + UUID.randomUUID());
        String lease = CreditLeases.leaseOf(hold).toString();

        io.restassured.RestAssured.given()
                .header("Authorization", AuthApi.ADMIN)
                .post("/admin/v1/leases/" + lease + "/release")
                .then()
                .statusCode(200)
                .body("lease_id", org.hamcrest.Matchers.equalTo(lease))
                .body("released_nanos", org.hamcrest.Matchers.equalTo(5_000));

        assertThat(leaseAmount(hold)).isNull();
        assertThat(AuthApi.held(account)).isZero();
        assertThat(AuthApi.balance(account)).isEqualTo(1_000_000_000L);
        io.restassured.RestAssured.given()
                .header("Authorization", AuthApi.ADMIN)
                .post("/admin/v1/leases/" + lease + "/release")
                .then()
                .statusCode(404);
        io.restassured.RestAssured.given()
                .post("/admin/v1/leases/" + lease + "/release")
                .then()
                .statusCode(401);
    }

    @Test
    void theSweepGivesBackTheLeasesOfAReplicaThatDied() {
        String account = AuthApi.account("1.00");
        String key = AuthApi.key(account, "inference");
        String hold = AuthApi.hold(key, "gen-" + UUID.randomUUID(), 100_000_000L);
        assertThat(AuthApi.held(account)).isPositive();
        // its replica stopped beating an hour ago (this replica's copy of it is not what the sweep reads)
        pool.preparedQuery("UPDATE auth.credit_leases SET heartbeat_at = now() - interval '1 hour' WHERE id = $1")
                .execute(Tuple.of(CreditLeases.leaseOf(hold)))
                .await()
                .indefinitely();

        int swept = leases.sweep(Instant.now().minusSeconds(60)).await().indefinitely();

        assertThat(swept).isGreaterThanOrEqualTo(1);
        assertThat(leaseAmount(hold)).isNull();
        assertThat(AuthApi.balance(account)).isEqualTo(1_000_000_000L);
        var held = pool.preparedQuery("SELECT held_nanos FROM auth.accounts WHERE id = $1")
                .execute(Tuple.of(UUID.fromString(account)))
                .await()
                .indefinitely()
                .iterator()
                .next()
                .getLong("held_nanos");
        assertThat(held).isZero();
    }

    @Test
    void aFinalChargeThatEndsAnOpenHoldCountsTheInterimChargesBeforeIt() {
        // a 1 USD balance, all of it leased; a long stream holds 0.5 and is charged 0.3 while it runs, 0.4 at the end
        String account = AuthApi.account("1.00");
        String key = AuthApi.key(account, "inference");
        String generation = "gen-" + UUID.randomUUID();
        String hold = AuthApi.hold(key, generation, 500_000_000L);
        ChargeV1 fin = charge(account, key, generation, hold, 400_000_000L);
        ChargeV1 interim = new ChargeV1(
                ChargeV1.chargeId(generation, 1),
                generation,
                1,
                false,
                fin.accountId(),
                fin.keyId(),
                hold,
                fin.model(),
                fin.provider(),
                10,
                10,
                0,
                0,
                300_000_000L,
                "USD",
                Instant.now());
        publish(interim);
        await().atMost(Duration.ofSeconds(15))
                .untilAsserted(() -> assertThat(AuthApi.balance(account)).isEqualTo(700_000_000L));
        // the router's finish was lost: the final charge ends the hold at 0.7, what the generation cost
        publish(fin);
        await().atMost(Duration.ofSeconds(15))
                .untilAsserted(() -> assertThat(AuthApi.balance(account)).isEqualTo(300_000_000L));

        // 0.3 is left: a hold of 0.5 is refused, as the lease has no more than that to give
        AuthApi.authorize(key, "gen-" + UUID.randomUUID(), 500_000_000L).statusCode(402);
        AuthApi.authorize(key, "gen-" + UUID.randomUUID(), 300_000_000L).statusCode(200);
    }

    @Test
    void anAccountInDebtGets402UntilItIsToppedUp() {
        String account = AuthApi.account("1.00");
        String key = AuthApi.key(account, "inference");
        String first = "gen-" + UUID.randomUUID();
        String hold = AuthApi.hold(key, first, 10_000_000L);
        AuthApi.internal()
                .body(java.util.Map.of("costNanos", 0L))
                .post("/internal/v1/holds/" + hold + "/finish")
                .then()
                .statusCode(204);
        // a charge no lease covers (a request served in grace mode while auth was down): 1.5 USD on a 1 USD balance
        publish(charge(account, key, "gen-" + UUID.randomUUID(), null, 1_500_000_000L));
        await().atMost(Duration.ofSeconds(15))
                .untilAsserted(() -> assertThat(AuthApi.balance(account)).isEqualTo(-500_000_000L));

        AuthApi.authorize(key, "gen-" + UUID.randomUUID(), 1_000L).statusCode(402);

        io.restassured.RestAssured.given()
                .header("Authorization", AuthApi.ADMIN)
                .header("Idempotency-Key", "top-up-" + UUID.randomUUID())
                .contentType("application/json")
                .body("{\"amount_usd\":\"2.00\"}")
                .post("/admin/v1/accounts/" + account + "/credits")
                .then()
                .statusCode(200);
        AuthApi.authorize(key, "gen-" + UUID.randomUUID(), 1_000L).statusCode(200);
    }

    private Long leaseAmount(String hold) {
        var rows = pool.preparedQuery("SELECT amount_nanos FROM auth.credit_leases WHERE id = $1")
                .execute(Tuple.of(CreditLeases.leaseOf(hold)))
                .await()
                .indefinitely();
        return rows.iterator().hasNext() ? rows.iterator().next().getLong("amount_nanos") : null;
    }
}
