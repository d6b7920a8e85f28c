package dev.switchboard.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
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
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Keys, limits and credit through the whole stack. */
@Order(5)
class AuthCreditE2eTest {

    static final String MINI = "openai/gpt-4o-mini";

    @AfterEach
    void resetSimulator() {
        Stack.simulator("DELETE", "/_sim/providers", null);
    }

    private static String chat(String extra) {
        return "{\"model\":\"" + MINI + "\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]" + extra + "}";
    }

    private static long settledCost(String accountId) throws Exception {
        try (Connection db = Stack.postgres();
                PreparedStatement q = db.prepareStatement(
                        "SELECT coalesce(sum(cost_nanos), 0) FROM billing.ledger WHERE account_id = ?::uuid")) {
            q.setString(1, accountId);
            try (ResultSet rs = q.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static long[] balanceAndHeld(String accountId) throws Exception {
        try (Connection db = Stack.postgres();
                PreparedStatement q =
                        db.prepareStatement("SELECT balance_nanos, held_nanos FROM auth.accounts WHERE id = ?::uuid")) {
            q.setString(1, accountId);
            try (ResultSet rs = q.executeQuery()) {
                rs.next();
                return new long[] {rs.getLong(1), rs.getLong(2)};
            }
        }
    }

    @Test
    void theManagementApiWorksThroughTheEdgeAndOnlyForManagementKeys() {
        String mgmt = Stack.get("SWITCHBOARD_MANAGEMENT_KEY");
        HttpResponse<String> created = Stack.call(
                "POST", Stack.url(), "/keys", mgmt, "{\"name\":\"e2e\",\"limit\":1.5,\"limit_reset\":\"daily\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        JsonNode body = Stack.json(created.body());
        String key = body.path("key").asText();
        String hash = body.at("/data/hash").asText();
        assertThat(key).startsWith("sk-sb-v1-");

        assertThat(Stack.json(Stack.call("GET", Stack.url(), "/keys", mgmt, null)
                                .body())
                        .path("data")
                        .findValuesAsText("hash"))
                .contains(hash);
        JsonNode info = Stack.json(
                        Stack.call("GET", Stack.url(), "/key", key, null).body())
                .path("data");
        assertThat(info.path("limit").decimalValue()).isEqualByComparingTo("1.5");
        assertThat(info.path("limit_reset").asText()).isEqualTo("daily");
        assertThat(info.path("is_management_key").asBoolean()).isFalse();
        JsonNode credits = Stack.json(
                        Stack.call("GET", Stack.url(), "/credits", mgmt, null).body())
                .path("data");
        assertThat(credits.path("total_credits").decimalValue()).isPositive();
        assertThat(credits.has("total_usage")).isTrue();

        assertThat(Stack.call("GET", Stack.url(), "/keys", Stack.key(), null).statusCode())
                .isEqualTo(403);
        assertThat(Stack.call("GET", Stack.url(), "/credits", Stack.key(), null).statusCode())
                .isEqualTo(403);
        assertThat(Stack.call("GET", Stack.url(), "/keys/" + UUID.randomUUID(), mgmt, null)
                        .statusCode())
                .isEqualTo(404);

        assertThat(Stack.postChat(key, chat("")).statusCode()).isEqualTo(200);
        assertThat(Stack.call("PATCH", Stack.url(), "/keys/" + hash, mgmt, "{\"disabled\":true}")
                        .statusCode())
                .isEqualTo(200);
        assertThat(Stack.postChat(key, chat("")).statusCode()).isEqualTo(403);
        assertThat(Stack.call("DELETE", Stack.url(), "/keys/" + hash, mgmt, null)
                        .statusCode())
                .isEqualTo(200);
        assertThat(Stack.postChat(key, chat("")).statusCode()).isEqualTo(401);
    }

    @Test
    void aKeysRateLimitAnswers429WithRetryAfter() {
        String key = Stack.account("1.00", "\"rate_limit_rpm\":2")[1];
        List<HttpResponse<String>> responses = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            responses.add(Stack.postChat(key, chat("")));
        }
        assertThat(responses.get(0).statusCode()).isEqualTo(200);
        assertThat(responses.get(0).headers().firstValue("X-RateLimit-Limit")).hasValue("2");
        HttpResponse<String> limited = responses.get(2);
        assertThat(limited.statusCode()).as(limited.body()).isEqualTo(429);
        assertThat(Stack.json(limited.body()).at("/error/code").asInt()).isEqualTo(429);
        assertThat(limited.headers().firstValue("Retry-After"))
                .hasValueSatisfying(v -> assertThat(Integer.parseInt(v)).isBetween(1, 60));
        assertThat(limited.headers().firstValue("X-RateLimit-Remaining")).hasValue("0");
    }

    @Test
    void anAnswerStopsAtTheAccountsMaxCostPerRequest() throws Exception {
        String[] account = Stack.account("1.00", null);
        Stack.admin(
                "PUT",
                "/admin/v1/accounts/" + account[0] + "/preferences",
                "{\"max_cost_per_request_usd\":0.00002}",
                null);
        Stack.simulator("PUT", "/_sim/providers/openai", "{\"tokens\":400,\"inter_token_ms\":2}");

        // held to OpenAI, the endpoint whose answer was made long (Azure would share the traffic otherwise)
        HttpResponse<String> response =
                Stack.postChat(account[1], chat(",\"stream\":true,\"provider\":{\"only\":[\"openai\"]}"));

        assertThat(response.statusCode()).isEqualTo(200);
        List<String> data = response.body()
                .lines()
                .filter(l -> l.startsWith("data: "))
                .map(l -> l.substring(6))
                .toList();
        assertThat(data.getLast()).isEqualTo("[DONE]");
        JsonNode error = Stack.json(data.get(data.size() - 2));
        assertThat(error.at("/choices/0/finish_reason").asText()).isEqualTo("error");
        assertThat(error.at("/error/code").asInt()).isEqualTo(402);
        // 400 tokens would cost 240,000 nano-USD; the stream stopped near the 20,000 cap
        await().atMost(Duration.ofSeconds(10)).until(() -> settledCost(account[0]) > 0);
        assertThat(settledCost(account[0])).isBetween(1L, 20_000L + 30 * 600L);
    }

    @Test
    void oneHundredConcurrentStreamsNeverSpendMoreThanTheBalance() throws Exception {
        // each request reserves its worst case: 8 prompt bytes and 50 output tokens = 31,200 nano-USD
        long hold = (8 * 150_000L + 50 * 600_000L + 999) / 1000;
        long balance = 10 * hold;
        String[] account =
                Stack.account(java.math.BigDecimal.valueOf(balance, 9).toPlainString(), null);
        List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            calls.add(Stack.HTTP.sendAsync(
                    HttpRequest.newBuilder(URI.create(Stack.url() + "/chat/completions"))
                            .header("Authorization", "Bearer " + account[1])
                            .header("Content-Type", "application/json")
                            .timeout(Duration.ofSeconds(60))
                            .POST(HttpRequest.BodyPublishers.ofString(chat(",\"stream\":true,\"max_tokens\":50")))
                            .build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        List<Integer> statuses = calls.stream()
                .map(CompletableFuture::join)
                .map(HttpResponse::statusCode)
                .toList();

        assertThat(statuses).allMatch(s -> s == 200 || s == 402);
        assertThat(statuses).filteredOn(s -> s == 402).isNotEmpty();
        assertThat(statuses).filteredOn(s -> s == 200).isNotEmpty();
        await().atMost(Duration.ofSeconds(30)).until(() -> balanceAndHeld(account[0])[1] == 0);
        assertThat(settledCost(account[0])).isLessThanOrEqualTo(balance);
        assertThat(balanceAndHeld(account[0])[0]).isGreaterThanOrEqualTo(0);
    }
}
