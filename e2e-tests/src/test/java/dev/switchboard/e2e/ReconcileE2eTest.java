package dev.switchboard.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Reconciliation through the whole stack: after plain and streamed requests of one account have
 * settled, {@code GET /admin/v1/reconcile} (and {@code make reconcile}'s script) finds the ledger, the
 * balance and ClickHouse agreeing to the nano-dollar; a ledger entry whose charge never reached the
 * balance is then named, with its cost as the drift, and the script exits 1.
 */
@Order(15)
class ReconcileE2eTest {

    private static final String PLAIN =
            "{\"model\":\"openai/gpt-4o-mini\",\"max_tokens\":16,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    private static final String STREAMED = "{\"model\":\"openai/gpt-4o-mini\",\"max_tokens\":16,\"stream\":true,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @Test
    void aSettledWindowIsCleanAndAChargeThatNeverReachedTheBalanceIsNamed() throws Exception {
        String[] created = Stack.account("5.00", null);
        String account = created[0];
        String key = created[1];
        Instant from = Instant.now().truncatedTo(ChronoUnit.MILLIS).minusSeconds(1);
        List<String> generations = new ArrayList<>();
        for (String body : List.of(PLAIN, STREAMED, PLAIN, STREAMED)) {
            HttpResponse<String> answer = Stack.postChat(key, body);
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
            generations.add(answer.headers().firstValue("X-Generation-Id").orElseThrow());
        }
        Instant to = Instant.now().truncatedTo(ChronoUnit.MILLIS).plusSeconds(1);

        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> {
                    JsonNode report = reconcile(from, to, account);
                    assertThat(report.path("clean").asBoolean())
                            .as(report.toString())
                            .isTrue();
                    assertThat(report.path("ledger_entries").asInt()).isEqualTo(4);
                });
        JsonNode clean = reconcile(from, to, account);
        assertThat(clean.path("analytics_generations").asInt()).isEqualTo(4);
        assertThat(clean.path("ledger_nanos").asLong()).isPositive();
        assertThat(clean.path("applied_nanos").asLong())
                .isEqualTo(clean.path("ledger_nanos").asLong());
        assertThat(clean.path("analytics_nanos").asLong())
                .isEqualTo(clean.path("ledger_nanos").asLong());
        assertThat(clean.path("applied_drift_nanos").asLong()).isZero();
        assertThat(clean.path("analytics_drift_nanos").asLong()).isZero();
        assertThat(script(from, to, account)).isZero();

        String lost = "gen-lost-" + UUID.randomUUID();
        try (Connection db = Stack.postgres()) {
            insertLedgerEntry(db, lost, account, from.plusMillis(500), 1_234L);
            try {
                JsonNode drift = reconcile(from, to, account);
                assertThat(drift.path("clean").asBoolean()).isFalse();
                assertThat(drift.path("applied_drift_nanos").asLong()).isEqualTo(-1_234L);
                assertThat(drift.path("discrepancies").asInt()).isEqualTo(1);
                JsonNode named = drift.path("charges").get(0);
                assertThat(named.path("charge_id").asText()).isEqualTo(lost + ":0");
                assertThat(named.path("problem").asText()).isEqualTo("not applied to the balance");
                assertThat(named.path("ledger_nanos").asLong()).isEqualTo(1_234L);
                assertThat(script(from, to, account)).isEqualTo(1);
            } finally {
                try (PreparedStatement delete =
                        db.prepareStatement("DELETE FROM billing.ledger WHERE generation_id = ?")) {
                    delete.setString(1, lost);
                    delete.executeUpdate();
                }
            }
        }
        assertThat(reconcile(from, to, account).path("clean").asBoolean()).isTrue();
        assertThat(generations).doesNotHaveDuplicates();
    }

    @Test
    void aWindowThatIsNotOneIsA400() {
        HttpResponse<String> backwards =
                Stack.admin("GET", "/admin/v1/reconcile?from=2026-12-07T10:00:00Z&to=2026-12-07T09:00:00Z", null, null);
        assertThat(backwards.statusCode()).isEqualTo(400);
        HttpResponse<String> garbled = Stack.admin("GET", "/admin/v1/reconcile?from=yesterday", null, null);
        assertThat(garbled.statusCode()).isEqualTo(400);
        assertThat(garbled.body()).contains("ISO-8601");
    }

    static JsonNode reconcile(Instant from, Instant to, String account) {
        HttpResponse<String> response = Stack.admin(
                "GET", "/admin/v1/reconcile?from=" + from + "&to=" + to + "&account_id=" + account, null, null);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return Stack.json(response.body());
    }

    /** Runs deploy/local/reconcile.sh (what make reconcile runs) for the window; answers its exit status. */
    static int script(Instant from, Instant to, String account) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(
                        "bash",
                        Stack.ROOT.resolve("deploy/local/reconcile.sh").toString(),
                        "--from",
                        from.toString(),
                        "--to",
                        to.toString(),
                        "--account",
                        account)
                .directory(Stack.ROOT.toFile())
                .redirectErrorStream(true)
                .start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(output).contains("window").contains("ledger");
        return process.exitValue();
    }

    private static void insertLedgerEntry(Connection db, String generation, String account, Instant at, long cost)
            throws Exception {
        String keyId;
        try (PreparedStatement key = db.prepareStatement("SELECT id FROM auth.api_keys WHERE account_id = ?::uuid")) {
            key.setString(1, account);
            try (ResultSet row = key.executeQuery()) {
                assertThat(row.next()).isTrue();
                keyId = row.getString(1);
            }
        }
        try (PreparedStatement insert = db.prepareStatement("""
                INSERT INTO billing.ledger (generation_id, sequence, is_final, account_id, key_id, status, prompt_tokens,
                    completion_tokens, cached_prompt_tokens, reasoning_tokens, usage_source, cost_nanos, usage_event_id, occurred_at, started_at)
                VALUES (?, 0, true, ?::uuid, ?::uuid, 'success', 1, 1, 0, 0, 'provider', ?, ?, ?, ?)""")) {
            insert.setString(1, generation);
            insert.setString(2, account);
            insert.setString(3, keyId);
            insert.setLong(4, cost);
            insert.setString(5, generation + ":0");
            insert.setObject(6, java.sql.Timestamp.from(at));
            insert.setObject(7, java.sql.Timestamp.from(at));
            insert.executeUpdate();
        }
    }
}
