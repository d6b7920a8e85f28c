package dev.switchboard.e2e;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Zero-completion insurance through the whole stack, at Perplexity's Sonar (0.005 USD per request on
 * top of its tokens): a request whose provider fails before any output costs 0 in the ledger (with
 * the reason) and in {@code /generation}. (A cancelled request's waiver is proven in billing's
 * {@code ZeroCompletionTest}.) An embedding, which has no output tokens and no finish reason, is
 * not such a request: it pays its prompt tokens.
 */
@Order(14)
class ZeroCompletionE2eTest {

    private static final String SONAR =
            "{\"model\":\"perplexity/sonar\",\"max_tokens\":16,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
                    + "\"provider\":{\"only\":[\"perplexity\"]}";

    @AfterEach
    void reset() {
        Stack.simulator("DELETE", "/_sim/providers", null);
    }

    @Test
    void aRequestWhoseProviderFailsBeforeAnyOutputCostsNothingFeeIncluded() throws Exception {
        Stack.simulator("PUT", "/_sim/providers/perplexity", "{\"fail_status\":500}");
        HttpResponse<String> failed = Stack.postChat(Stack.key(), SONAR + "}");
        assertThat(failed.statusCode()).as(failed.body()).isEqualTo(502);
        String id = failed.headers().firstValue("X-Generation-Id").orElseThrow();
        assertFree(id, "zero completion: error");
    }

    @Test
    void anEmbeddingPaysItsPromptTokensThoughItHasNoCompletion() throws Exception {
        HttpResponse<String> embedded = Stack.call(
                "POST",
                Stack.url(),
                "/embeddings",
                Stack.key(),
                "{\"model\":\"openai/text-embedding-3-small\",\"input\":\"the cost of a vector\"}");
        assertThat(embedded.statusCode()).as(embedded.body()).isEqualTo(200);
        String id = embedded.headers().firstValue("X-Generation-Id").orElseThrow();
        assertLedgerRow(id, row -> {
            assertThat(row.getString("waived_reason")).isNull();
            assertThat(row.getInt("prompt_tokens")).isPositive();
            assertThat(row.getLong("cost_nanos")).isPositive();
        });
    }

    private static void assertFree(String id, String reason) throws Exception {
        assertLedgerRow(id, row -> {
            assertThat(row.getString("provider")).isEqualTo("perplexity");
            assertThat(row.getLong("cost_nanos")).isZero();
            assertThat(row.getString("waived_reason")).startsWith(reason);
        });
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            HttpResponse<String> generation = Stack.get("/generation?id=" + id, Stack.key());
            assertThat(generation.statusCode()).isEqualTo(200);
            assertThat(Stack.json(generation.body()).at("/data/total_cost").asDouble())
                    .isZero();
        });
    }

    /** Checks of a ledger row. */
    private interface RowCheck {
        void check(ResultSet row) throws Exception;
    }

    /** Waits (20 s at most) for the generation's ledger row to pass {@code check}. */
    private static void assertLedgerRow(String id, RowCheck check) throws Exception {
        try (Connection db = Stack.postgres();
                PreparedStatement read = db.prepareStatement("SELECT cost_nanos, waived_reason, provider, prompt_tokens"
                        + " FROM billing.ledger WHERE generation_id = ?")) {
            read.setString(1, id);
            await().atMost(Duration.ofSeconds(20))
                    .pollInterval(Duration.ofMillis(200))
                    .untilAsserted(() -> {
                        try (ResultSet row = read.executeQuery()) {
                            assertThat(row.next()).as("ledger row of %s", id).isTrue();
                            check.check(row);
                        }
                    });
        }
    }
}
