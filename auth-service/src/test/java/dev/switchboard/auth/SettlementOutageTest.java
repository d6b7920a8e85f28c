package dev.switchboard.auth;

import dev.switchboard.events.ChargeV1;
import dev.switchboard.events.CloudEvent;
import dev.switchboard.events.EventCodec;
import dev.switchboard.events.Topics;
import dev.switchboard.testsupport.KafkaResource;
import dev.switchboard.testsupport.ProxiedPostgresResource;
import dev.switchboard.testsupport.TopicProbe;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * PostgreSQL goes away for auth for longer than the retries of old (about 20 s, after which the
 * batch of charges was parked on the DLQ and never settled): charge consumption pauses, and once the
 * database is back the charge is settled, once, and nothing was parked.
 */
@QuarkusTest
@TestProfile(ProxiedPostgresResource.Profile.class)
class SettlementOutageTest {

    @Test
    void aChargeArrivingDuringADatabaseOutageIsSettledOnceTheDatabaseIsBack() {
        String account = AuthApi.account("1.00");
        String key = AuthApi.key(account, "inference");
        String generation = "gen-" + UUID.randomUUID();
        String hold = AuthApi.hold(key, generation, 300_000_000L);
        ChargeV1 charge = SettlementTest.charge(account, key, generation, hold, 54_321L);

        ProxiedPostgresResource.proxy().cut();
        TopicProbe.send(
                KafkaResource.bootstrapServers(),
                Topics.CHARGES,
                account,
                EventCodec.encode(
                        CloudEvent.of(ChargeV1.TYPE, charge.chargeId(), "/test", account, Instant.now(), charge)));
        // 25 s without a database: the old consumer had given up and parked the charge by then
        assertThat(TopicProbe.find(
                        KafkaResource.bootstrapServers(),
                        Topics.deadLetter(Topics.CHARGES),
                        r -> account.equals(r.key()),
                        Duration.ofSeconds(25)))
                .isEmpty();
        ProxiedPostgresResource.proxy().restore();

        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(AuthApi.balance(account)).isEqualTo(1_000_000_000L - 54_321L));
        assertThat(TopicProbe.find(
                        KafkaResource.bootstrapServers(),
                        Topics.deadLetter(Topics.CHARGES),
                        r -> account.equals(r.key()),
                        Duration.ofSeconds(1)))
                .isEmpty();
    }
}
