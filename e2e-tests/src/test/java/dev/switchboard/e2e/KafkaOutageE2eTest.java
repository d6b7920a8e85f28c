package dev.switchboard.e2e;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Kafka stopped while a request is served: the request still succeeds, every service stays live and
 * ready, and the usage event is delivered once Kafka is back (ledger row, settled hold, ClickHouse
 * row). Runs last but for the chaos run: it stops the stack's broker.
 */
@Order(100)
class KafkaOutageE2eTest {

    @AfterAll
    static void kafkaBack() {
        Stack.stackScript("start", "kafka");
    }

    /** The services whose liveness or readiness is not UP, with the check's answer. */
    static List<String> unhealthy() {
        List<String> down = new ArrayList<>();
        for (int port : List.of(8080, 8081, 8082, 8083, 8084, 8085)) {
            for (String check : List.of("live", "ready")) {
                HttpResponse<String> answer =
                        Stack.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/health/" + check))
                                .timeout(Duration.ofSeconds(5))
                                .build());
                if (answer.statusCode() != 200) {
                    down.add(":" + port + " " + check + " " + answer.statusCode() + " " + answer.body());
                }
            }
        }
        return down;
    }

    @Test
    void aRequestServedWhileKafkaIsDownIsBilledOnceKafkaIsBack() throws Exception {
        // warm the router's producer so it knows the topic's partitions before the outage
        assertThat(Stack.postChat(Stack.key(), ChatE2eTest.CHAT + "}").statusCode())
                .isEqualTo(200);

        String[] account = Stack.account("1.00", null);
        Stack.stackScript("stop", "kafka");
        HttpResponse<String> response = Stack.postChat(account[1], ChatE2eTest.CHAT + "}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        String id = response.headers().firstValue("X-Generation-Id").orElseThrow();
        // degrade, don't fail: every service stays live and ready (in Kubernetes, in its Service) while
        // Kafka is down; usage waits in the router's spool, charges in billing's outbox
        await().during(Duration.ofSeconds(15))
                .atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() -> assertThat(unhealthy()).isEmpty());
        try (Connection db = Stack.postgres();
                PreparedStatement ledger =
                        db.prepareStatement("SELECT count(*) FROM billing.ledger WHERE generation_id = ?")) {
            ledger.setString(1, id);
            try (ResultSet rs = ledger.executeQuery()) {
                rs.next();
                assertThat(rs.getInt(1))
                        .as("nothing can be billed while Kafka is down")
                        .isZero();
            }
        }

        Stack.stackScript("start", "kafka");
        await().atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() -> {
                    try (Connection db = Stack.postgres();
                            PreparedStatement hold = db.prepareStatement(
                                    "SELECT c.cost_nanos, l.cost_nanos FROM auth.applied_charges c JOIN billing.ledger l ON c.hold_id = l.hold_id"
                                            + " WHERE l.generation_id = ?")) {
                        hold.setString(1, id);
                        try (ResultSet rs = hold.executeQuery()) {
                            assertThat(rs.next())
                                    .as("ledger row and applied charge for " + id)
                                    .isTrue();
                            assertThat(rs.getLong(1)).isEqualTo(rs.getLong(2));
                        }
                    }
                });
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(
                                Stack.clickhouse("SELECT count() FROM generations FINAL WHERE id = '" + id + "'"))
                        .isEqualTo("1"));
    }
}
