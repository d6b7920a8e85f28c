package dev.switchboard.e2e;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A key revoked through one edge replica is refused by another within a second. */
@Order(6)
class TwoEdgesE2eTest {

    static final int PORT = 8088;
    static Process second;

    @BeforeAll
    static void startSecondEdge() {
        Map<String, String> env = new HashMap<>();
        for (String name : List.of("SWITCHBOARD_INTERNAL_TOKEN", "KAFKA_BOOTSTRAP_SERVERS", "REDIS_URL")) {
            String value = Stack.getOr(name, null);
            if (value != null) {
                env.put(name, value);
            }
        }
        second = Stack.startReplica("edge-service", "EDGE_PORT", PORT, env);
    }

    @AfterAll
    static void stopSecondEdge() throws Exception {
        Stack.stopReplica(second);
    }

    @Test
    void revocationOnOneReplicaIsHonouredByTheOtherWithinASecond() {
        String edge1 = Stack.url();
        String edge2 = "http://127.0.0.1:" + PORT + "/api/v1";
        String mgmt = Stack.get("SWITCHBOARD_MANAGEMENT_KEY");
        HttpResponse<String> created = Stack.call("POST", edge1, "/keys", mgmt, "{\"name\":\"two-edges\"}");
        String key = Stack.json(created.body()).path("key").asText();
        String hash = Stack.json(created.body()).at("/data/hash").asText();
        String chat = "{\"model\":\"openai/gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        // both replicas know (and cache) the key
        assertThat(Stack.call("POST", edge1, "/chat/completions", key, chat).statusCode())
                .isEqualTo(200);
        assertThat(Stack.call("POST", edge2, "/chat/completions", key, chat).statusCode())
                .isEqualTo(200);

        assertThat(Stack.call("PATCH", edge1, "/keys/" + hash, mgmt, "{\"disabled\":true}")
                        .statusCode())
                .isEqualTo(200);
        long revokedAt = System.nanoTime();

        await().atMost(Duration.ofSeconds(1))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> Stack.call("POST", edge2, "/chat/completions", key, chat)
                                .statusCode()
                        == 403);
        assertThat(Duration.ofNanos(System.nanoTime() - revokedAt)).isLessThan(Duration.ofSeconds(1));
    }
}
