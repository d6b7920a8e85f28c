package dev.switchboard.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.e2e.ChaosRun.Outcome;
import dev.switchboard.e2e.ChaosRun.Result;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The chaos money run (issue: money that is never lost, never doubled, never wrong). Traffic of four
 * accounts (one with credit for only a few dozen requests) goes through the stack while a share of
 * its usage events is duplicated into the topic, clients hang up, the router and billing are killed
 * with SIGKILL and restarted, and Kafka is stopped for longer than auth's hold TTL (shortened to 20 s
 * for the run, with the sweep and the lease heartbeat). Afterwards:
 * <ul>
 *   <li>every request a client saw complete is in the ledger exactly once (one final entry), at the
 *       cost the client was told, to the nano-dollar;
 *   <li>no account's balance is below zero (nothing in this run may overspend: no auth outage, holds
 *       cover {@code max_tokens}, no request outlives the hold TTL);
 *   <li>no credit is left reserved (every lease of the four accounts is back to 0);
 *   <li>reconciliation finds the ledger, the balances and ClickHouse agreeing for each account, and
 *       {@code make reconcile}'s script exits 0.
 * </ul>
 * In {@code make test} it runs shortened ({@code chaos.requests} 240 over {@code chaos.seconds} 75);
 * {@code make chaos} runs it at full size (1,000 requests over 150 s). Its figures go to
 * {@code e2e-tests/target/chaos-money.json}; docs/reliability.md quotes a full run. Runs after
 * {@link KafkaOutageE2eTest}: it stops and starts the broker, the router, billing and auth.
 */
@Order(101)
class ChaosMoneyE2eTest {

    static final Duration HOLD_TTL = Duration.ofSeconds(20);
    /** auth-service's time limits for the run: the Kafka outage outlasts the hold TTL. */
    static final Map<String, String> SHORT_TTLS = Map.of(
            "SWITCHBOARD_AUTH_HOLD_TTL", HOLD_TTL.getSeconds() + "s",
            "SWITCHBOARD_AUTH_HOLD_SWEEP_INTERVAL", "2s",
            "SWITCHBOARD_AUTH_LEASE_HEARTBEAT", "5s");

    static final String TIGHT_CREDIT_USD = "0.01";
    static final String ROOMY_CREDIT_USD = "5.00";

    @BeforeAll
    static void shortTtls() {
        Stack.services(SHORT_TTLS, "restart", "auth-service");
        // 20 ms to the first token, 5 ms per token, 40 tokens: a plain answer takes about 250 ms
        Stack.simulator("PUT", "/_sim/providers/openai", "{\"ttft_ms\":20,\"inter_token_ms\":5,\"tokens\":40}");
    }

    @AfterAll
    static void asBefore() {
        Stack.simulator("DELETE", "/_sim/providers", null);
        Stack.stackScript("start", "kafka");
        Stack.services(Map.of(), "start", "router-service", "billing-service");
        Stack.services(Map.of(), "restart", "auth-service");
    }

    @Test
    void moneyIsNeitherLostNorDoubledNorOverspentThroughCrashesOutagesAndDuplicates() throws Exception {
        ChaosRun.Settings settings = new ChaosRun.Settings(
                Integer.getInteger("chaos.requests", 240),
                Duration.ofSeconds(Long.getLong("chaos.seconds", 75)),
                HOLD_TTL.plusSeconds(5),
                0.15,
                0.10,
                Long.getLong("chaos.seed", System.currentTimeMillis()));
        List<String[]> accounts = List.of(
                Stack.account(ROOMY_CREDIT_USD, null),
                Stack.account(ROOMY_CREDIT_USD, null),
                Stack.account(ROOMY_CREDIT_USD, null),
                Stack.account(TIGHT_CREDIT_USD, null));
        List<String> accountIds = accounts.stream().map(a -> a[0]).toList();
        Instant from = Instant.now().truncatedTo(ChronoUnit.MILLIS).minusSeconds(1);
        ChaosRun.Report run = new ChaosRun(settings, accounts).run();
        Instant to = Instant.now().truncatedTo(ChronoUnit.MILLIS).plusSeconds(1);

        // the run did what it says: every fault happened, with traffic around it
        ChaosRun.Faults faults = run.faults();
        assertThat(faults.routerBackAt()).isGreaterThan(faults.routerKilledAt()).isPositive();
        assertThat(faults.billingBackAt())
                .isGreaterThan(faults.billingKilledAt())
                .isPositive();
        assertThat(faults.kafkaBackAt() - faults.kafkaStoppedAt()).isGreaterThan(HOLD_TTL.toMillis());
        assertThat(run.count(Result.COMPLETED, false)).isPositive();
        assertThat(run.count(Result.COMPLETED, true)).isPositive();
        assertThat(run.count(Result.HUNG_UP)).isPositive();
        assertThat(run.count(Result.REFUSED)).as("the tight account ran out").isPositive();
        assertThat(run.duplicates().duplicated()).isPositive();
        List<Outcome> completed = run.outcomes().stream()
                .filter(o -> o.result() == Result.COMPLETED)
                .toList();
        assertThat(completed)
                .as("requests served while Kafka was down")
                .anyMatch(
                        o -> o.sentAt() > faults.kafkaStoppedAt() + 1_000 && o.sentAt() < faults.kafkaBackAt() - 1_000);
        assertThat(completed).allSatisfy(o -> assertThat(o.generation()).isNotNull());

        // every completed request reaches the ledger once, at the cost its client was told
        Map<String, long[]> ledger = new HashMap<>();
        await().atMost(Duration.ofMinutes(3))
                .pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() -> {
                    ledger.clear();
                    ledger.putAll(
                            ledger(completed.stream().map(Outcome::generation).toList()));
                    assertThat(ledger.keySet())
                            .as("completed requests without a ledger entry")
                            .containsAll(
                                    completed.stream().map(Outcome::generation).toList());
                });
        List<String> notOnce = completed.stream()
                .filter(o -> ledger.get(o.generation())[0] != 1)
                .map(o -> o.generation() + " has " + ledger.get(o.generation())[0] + " final entries")
                .toList();
        assertThat(notOnce).isEmpty();
        List<String> wrongCost = completed.stream()
                .filter(o -> ledger.get(o.generation())[1] != o.costNanos())
                .map(o -> o.generation() + ": told " + o.costNanos() + ", billed " + ledger.get(o.generation())[1])
                .toList();
        assertThat(wrongCost).isEmpty();

        // no credit left reserved: every lease of the four accounts back to 0 (holds finished or expired,
        // charges arrived, unused credit given back)
        await().atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() -> assertThat(reserved(accountIds)).isZero());

        // nobody overspent
        Map<String, Long> balances = balances(accountIds);
        assertThat(balances.values()).allSatisfy(b -> assertThat(b).isNotNegative());

        // reconciliation: ledger, balances and ClickHouse agree for each account, and the script says so
        Map<String, JsonNode> reports = new HashMap<>();
        await().atMost(Duration.ofMinutes(1))
                .pollInterval(Duration.ofSeconds(2))
                .untilAsserted(() -> {
                    for (String account : accountIds) {
                        JsonNode report = ReconcileE2eTest.reconcile(from, to, account);
                        reports.put(account, report);
                        assertThat(report.path("clean").asBoolean())
                                .as(report.toString())
                                .isTrue();
                    }
                });
        assertThat(ReconcileE2eTest.script(from, to, accountIds.getLast())).isZero();

        write(settings, run, ledger, balances, reports, accountIds);
    }

    /** Per generation: its final entries and the sum of its entries' costs. */
    private static Map<String, long[]> ledger(List<String> generations) throws Exception {
        Map<String, long[]> rows = new HashMap<>();
        try (Connection db = Stack.postgres();
                PreparedStatement query =
                        db.prepareStatement("SELECT generation_id, count(*) FILTER (WHERE is_final), sum(cost_nanos)"
                                + " FROM billing.ledger WHERE generation_id = ANY(?) GROUP BY generation_id")) {
            Array ids = db.createArrayOf("text", generations.toArray());
            query.setArray(1, ids);
            try (ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    rows.put(rs.getString(1), new long[] {rs.getLong(2), rs.getLong(3)});
                }
            }
        }
        return rows;
    }

    /** Credit still reserved for the accounts: what their leases hold. */
    private static long reserved(List<String> accounts) throws Exception {
        try (Connection db = Stack.postgres();
                PreparedStatement query = db.prepareStatement(
                        "SELECT coalesce(sum(amount_nanos), 0) FROM auth.credit_leases WHERE account_id = ANY(?::uuid[])")) {
            query.setArray(1, db.createArrayOf("text", accounts.toArray()));
            try (ResultSet rs = query.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static Map<String, Long> balances(List<String> accounts) throws Exception {
        Map<String, Long> balances = new HashMap<>();
        try (Connection db = Stack.postgres();
                PreparedStatement query =
                        db.prepareStatement("SELECT id, balance_nanos FROM auth.accounts WHERE id = ANY(?::uuid[])")) {
            query.setArray(1, db.createArrayOf("text", accounts.toArray()));
            try (ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    balances.put(rs.getString(1), rs.getLong(2));
                }
            }
        }
        return balances;
    }

    /** The run's figures, to e2e-tests/target/chaos-money.json and the test's output. */
    private static void write(
            ChaosRun.Settings settings,
            ChaosRun.Report run,
            Map<String, long[]> ledger,
            Map<String, Long> balances,
            Map<String, JsonNode> reports,
            List<String> accounts)
            throws Exception {
        ObjectNode out = Stack.JSON.createObjectNode();
        out.put("requests", settings.requests());
        out.put("seconds", settings.duration().getSeconds());
        out.put("seed", settings.seed());
        out.put("hold_ttl_s", HOLD_TTL.getSeconds());
        out.put("elapsed_ms", run.elapsedMillis());
        ObjectNode results = out.putObject("results");
        for (Result result : Result.values()) {
            results.put(result.name().toLowerCase() + "_plain", run.count(result, false));
            results.put(result.name().toLowerCase() + "_streamed", run.count(result, true));
        }
        Map<String, Long> failures = run.outcomes().stream()
                .filter(o -> o.result() == Result.FAILED)
                .collect(Collectors.groupingBy(o -> kind(o.detail()), Collectors.counting()));
        ObjectNode failed = out.putObject("failed_by_kind");
        failures.forEach(failed::put);
        ObjectNode faults = out.putObject("faults_ms");
        faults.put("router_killed", run.faults().routerKilledAt());
        faults.put("router_back", run.faults().routerBackAt());
        faults.put("billing_killed", run.faults().billingKilledAt());
        faults.put("billing_back", run.faults().billingBackAt());
        faults.put("kafka_stopped", run.faults().kafkaStoppedAt());
        faults.put("kafka_back", run.faults().kafkaBackAt());
        ObjectNode duplicates = out.putObject("usage_events");
        duplicates.put("seen", run.duplicates().seen());
        duplicates.put("duplicated", run.duplicates().duplicated());
        duplicates.put("duplicate_failed", run.duplicates().failed());
        out.put(
                "completed_in_ledger_once",
                ledger.values().stream().filter(v -> v[0] == 1).count());
        out.put(
                "completed_billed_nanos",
                ledger.values().stream().mapToLong(v -> v[1]).sum());
        out.put(
                "lowest_balance_nanos",
                balances.values().stream().mapToLong(Long::longValue).min().orElse(0));
        out.put("tight_account_balance_nanos", balances.get(accounts.getLast()));
        List<JsonNode> perAccount = new ArrayList<>();
        for (String account : accounts) {
            JsonNode report = reports.get(account);
            ObjectNode summary = Stack.JSON.createObjectNode();
            summary.put("account", account);
            summary.put("clean", report.path("clean").asBoolean());
            summary.put("ledger_entries", report.path("ledger_entries").asLong());
            summary.put("ledger_nanos", report.path("ledger_nanos").asLong());
            summary.put("applied_nanos", report.path("applied_nanos").asLong());
            summary.put("analytics_nanos", report.path("analytics_nanos").asLong());
            summary.put("discrepancies", report.path("discrepancies").asLong());
            perAccount.add(summary);
        }
        out.putArray("reconcile").addAll(perAccount);
        Path file = Stack.ROOT.resolve("e2e-tests/target/chaos-money.json");
        Files.writeString(file, Stack.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(out));
        System.out.println("chaos money run: " + out);
    }

    /** A failure's kind, for the figures: its status or exception, without the message. */
    private static String kind(String detail) {
        if (detail.startsWith("HTTP ")) {
            return detail.substring(0, Math.min(detail.length(), 8));
        }
        int colon = detail.indexOf(':');
        return colon > 0 ? detail.substring(0, colon) : detail.length() > 40 ? detail.substring(0, 40) : detail;
    }
}
