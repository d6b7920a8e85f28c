package dev.switchboard.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** One request through all six services, as a client sees it, and what it leaves behind. */
@Order(1)
class ChatE2eTest {

    static final String MODEL = "openai/gpt-4o-mini";
    static final String CHAT =
            "{\"model\":\"" + MODEL + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Say hello to Switchboard\"}]";

    @Test
    void aCompletionComesBackWithTheThreeHeadersAndUsageWithCost() {
        HttpResponse<String> response = Stack.postChat(Stack.key(), CHAT + "}");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        // the model's two endpoints (OpenAI, Azure) share its traffic by the default price-weighted draw
        assertThat(response.headers().firstValue("X-Provider"))
                .hasValueSatisfying(p -> assertThat(p).isIn("openai", "azure"));
        // the default draw, or the provider that served this same prompt before ("sticky")
        assertThat(response.headers().firstValue("X-Switchboard-Routing"))
                .hasValueSatisfying(r -> assertThat(r).isIn("weighted", "sticky"));
        assertThat(response.headers().firstValue("X-Model-Used")).hasValue(MODEL);
        assertThat(response.headers().firstValue("X-Generation-Id"))
                .hasValueSatisfying(id -> assertThat(id).startsWith("gen-"));
        JsonNode body = Stack.json(response.body());
        assertThat(body.path("object").asText()).isEqualTo("chat.completion");
        assertThat(body.path("id").asText())
                .isEqualTo(response.headers().firstValue("X-Generation-Id").orElseThrow());
        assertThat(body.at("/choices/0/message/content").asText()).isNotBlank();
        assertThat(body.at("/usage/prompt_tokens").asInt()).isPositive();
        assertThat(body.at("/usage/completion_tokens").asInt()).isPositive();
        assertThat(body.at("/usage/cost").isNumber()).isTrue();
        assertThat(body.at("/usage/cost").decimalValue()).isPositive();
    }

    @Test
    void theInputImagesOfARequestAreRecordedInTheLedgerAndTheGeneration() throws Exception {
        String pixel =
                "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";
        String image = "{\"type\":\"image_url\",\"image_url\":{\"url\":\"" + pixel + "\"}}";
        HttpResponse<String> response = Stack.postChat(
                Stack.key(),
                "{\"model\":\"" + MODEL + "\",\"messages\":[{\"role\":\"user\",\"content\":["
                        + "{\"type\":\"text\",\"text\":\"Which is brighter?\"}," + image + "," + image + "]}]}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        String id = response.headers().firstValue("X-Generation-Id").orElseThrow();
        await().atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> {
                    HttpResponse<String> generation = Stack.get("/generation?id=" + id, Stack.key());
                    assertThat(generation.statusCode()).as(generation.body()).isEqualTo(200);
                    assertThat(Stack.json(generation.body())
                                    .at("/data/num_media_prompt")
                                    .asInt())
                            .isEqualTo(2);
                });
        try (Connection db = Stack.postgres();
                PreparedStatement ledger =
                        db.prepareStatement("SELECT images FROM billing.ledger WHERE generation_id = ?")) {
            ledger.setString(1, id);
            // billing consumes the usage event on its own, alongside analytics
            await().atMost(Duration.ofSeconds(10))
                    .pollInterval(Duration.ofMillis(200))
                    .untilAsserted(() -> {
                        try (ResultSet rs = ledger.executeQuery()) {
                            assertThat(rs.next()).as("ledger row for " + id).isTrue();
                            assertThat(rs.getInt(1)).isEqualTo(2);
                        }
                    });
        }
    }

    @Test
    void anAliasIsServedAndAnsweredAsTheModelsId() {
        for (String alias : java.util.List.of("gpt-4o-mini", "openai/gpt-4o-mini-2024-07-18")) {
            HttpResponse<String> response = Stack.postChat(
                    Stack.key(), "{\"model\":\"" + alias + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            assertThat(response.headers().firstValue("X-Model-Used")).hasValue(MODEL);
            assertThat(Stack.json(response.body()).path("model").asText()).isEqualTo(MODEL);
        }
    }

    @Test
    void aStreamingCompletionIsServerSentEventsEndingInDone() {
        HttpResponse<String> response = Stack.postChat(Stack.key(), CHAT + ",\"stream\":true}");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("text/event-stream"));
        assertThat(response.headers().firstValue("X-Provider")).isPresent();
        assertThat(response.headers().firstValue("X-Generation-Id")).isPresent();
        List<String> data = response.body()
                .lines()
                .filter(l -> l.startsWith("data: "))
                .map(l -> l.substring(6))
                .toList();
        assertThat(data.getLast()).isEqualTo("[DONE]");
        JsonNode usageChunk = Stack.json(data.get(data.size() - 2));
        assertThat(usageChunk.at("/usage/cost").isNumber()).isTrue();
        StringBuilder text = new StringBuilder();
        data.subList(0, data.size() - 1)
                .forEach(d ->
                        text.append(Stack.json(d).at("/choices/0/delta/content").asText("")));
        assertThat(text).isNotEmpty();
        assertThat(data).anySatisfy(d -> assertThat(d).contains("\"finish_reason\":\"stop\""));
    }

    @Test
    void withinFiveSecondsTheGenerationIsReadableWithItsCostAndTheLedgerAndClickHouseRowsExist() throws Exception {
        HttpResponse<String> response = Stack.postChat(Stack.key(), CHAT + "}");
        assertThat(response.statusCode()).isEqualTo(200);
        String id = response.headers().firstValue("X-Generation-Id").orElseThrow();
        BigDecimal cost = Stack.json(response.body()).at("/usage/cost").decimalValue();

        await().atMost(Duration.ofSeconds(5))
                .pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> {
                    HttpResponse<String> generation = Stack.get("/generation?id=" + id, Stack.key());
                    assertThat(generation.statusCode()).as(generation.body()).isEqualTo(200);
                    JsonNode data = Stack.json(generation.body()).path("data");
                    assertThat(data.path("id").asText()).isEqualTo(id);
                    assertThat(data.path("total_cost").decimalValue()).isEqualByComparingTo(cost);
                });

        long costNanos = cost.movePointRight(9).longValueExact();
        try (Connection db = Stack.postgres();
                PreparedStatement ledger =
                        db.prepareStatement("SELECT cost_nanos FROM billing.ledger WHERE generation_id = ?");
                PreparedStatement hold =
                        db.prepareStatement("SELECT cost_nanos FROM auth.applied_charges WHERE hold_id LIKE ?")) {
            ledger.setString(1, id);
            try (ResultSet rs = ledger.executeQuery()) {
                assertThat(rs.next()).as("ledger row for " + id).isTrue();
                assertThat(rs.getLong(1)).isEqualTo(costNanos);
            }
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                // the charge settled the request's hold (a hold id is <lease id>.<generation id>) exactly once
                hold.setString(1, "%." + id);
                try (ResultSet rs = hold.executeQuery()) {
                    assertThat(rs.next()).as("charge applied for " + id).isTrue();
                    assertThat(rs.getLong(1)).isEqualTo(costNanos);
                    assertThat(rs.next()).isFalse();
                }
            });
        }
        assertThat(Stack.clickhouse("SELECT count() FROM generations FINAL WHERE id = '" + id + "'"))
                .isEqualTo("1");
    }

    @Test
    void theSameEndpointAnswersUnderV1Too() {
        String v1 = Stack.url().replace("/api/v1", "/v1");
        HttpResponse<String> response = Stack.send(HttpRequest.newBuilder(URI.create(v1 + "/chat/completions"))
                .header("Authorization", "Bearer " + Stack.key())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(CHAT + "}"))
                .build());
        assertThat(response.statusCode()).isEqualTo(200);
    }

    @Test
    void aGenerationOfAnotherAccountOrUnknownIs404() {
        assertThat(Stack.get("/generation?id=gen-0-doesnotexist", Stack.key()).statusCode())
                .isEqualTo(404);
    }
}
