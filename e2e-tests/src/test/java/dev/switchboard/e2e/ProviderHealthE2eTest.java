package dev.switchboard.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Health prober → Redis → router, through the running stack: a provider that goes down is
 * no longer tried at all (not merely fallen back from), and is chosen again once it is back.
 */
@Order(4)
class ProviderHealthE2eTest {

    /** Cheapest first (":floor"), so which provider serves is known while all are healthy. */
    static final String LLAMA =
            "{\"model\":\"meta-llama/llama-3.1-8b-instruct:floor\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @AfterEach
    void healthyAgain() {
        Stack.simulator("DELETE", "/_sim/providers", null);
    }

    /** The providers the router tried for a generation, from its record in ClickHouse. */
    private static JsonNode attempts(String generationId) {
        AtomicReference<JsonNode> found = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            HttpResponse<String> generation = Stack.get("/generation?id=" + generationId, Stack.key());
            assertThat(generation.statusCode()).isEqualTo(200);
            found.set(Stack.json(generation.body()).at("/data/provider_responses"));
        });
        return found.get();
    }

    @Test
    void aProviderThatGoesDownIsNotTriedAndIsChosenAgainWhenItRecovers() {
        // deepinfra is the cheapest endpoint of this model: chosen while healthy
        HttpResponse<String> healthy = Stack.postChat(Stack.key(), LLAMA);
        assertThat(healthy.headers().firstValue("X-Provider")).hasValue("deepinfra");

        Stack.simulator("PUT", "/_sim/providers/deepinfra", "{\"fail_status\":503}");

        // within a few probe rounds the routers route around it without even trying it
        await().atMost(Duration.ofSeconds(15))
                .pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> {
                    HttpResponse<String> response = Stack.postChat(Stack.key(), LLAMA);
                    assertThat(response.statusCode()).isEqualTo(200);
                    assertThat(response.headers().firstValue("X-Provider"))
                            .isNotEqualTo(java.util.Optional.of("deepinfra"));
                    JsonNode attempts = attempts(
                            response.headers().firstValue("X-Generation-Id").orElseThrow());
                    assertThat(attempts).hasSize(1);
                });

        Stack.simulator("DELETE", "/_sim/providers", null);

        // its failures also opened its shared breaker: degraded for 60 s, then one trial closes it
        await().atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> assertThat(
                                Stack.postChat(Stack.key(), LLAMA).headers().firstValue("X-Provider"))
                        .hasValue("deepinfra"));
    }
}
