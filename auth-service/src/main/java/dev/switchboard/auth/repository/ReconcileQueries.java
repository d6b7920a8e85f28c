package dev.switchboard.auth.repository;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** auth's side of reconciliation: applied charges, balances against grants and debits, leases left behind. */
@ApplicationScoped
public class ReconcileQueries {

    private final Pool pool;

    public ReconcileQueries(Pool pool) {
        this.pool = pool;
    }

    /** The cost applied for each of {@code chargeIds} that was applied. */
    public Uni<Map<String, Long>> applied(List<String> chargeIds) {
        if (chargeIds.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        return pool.preparedQuery(
                        "SELECT charge_id, cost_nanos FROM auth.applied_charges WHERE charge_id = ANY($1::text[])")
                .execute(Tuple.of(chargeIds.toArray(String[]::new)))
                .map(rows -> {
                    Map<String, Long> out = new HashMap<>();
                    rows.forEach(r -> out.put(r.getString("charge_id"), r.getLong("cost_nanos")));
                    return out;
                });
    }

    /**
     * An account whose stored figures disagree with its history: a balance that is not its grants minus
     * the charges applied to it, totals that are not those sums, or credit held that is not the sum of
     * its leases.
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record AccountDrift(
            String accountId,
            long balanceNanos,
            long grantedNanos,
            long chargedNanos,
            long totalGrantedNanos,
            long totalSpentNanos,
            long heldNanos,
            long leasedNanos) {}

    /** Every account (or only {@code account}, when not null) that disagrees with its grants, charges or leases; at most {@code limit}. */
    public Uni<List<AccountDrift>> accountDrifts(UUID account, int limit) {
        return pool.preparedQuery("""
                        SELECT a.id, a.balance_nanos, a.total_granted_nanos, a.total_spent_nanos, a.held_nanos,
                               coalesce(g.s, 0) AS granted, coalesce(c.s, 0) AS charged, coalesce(l.s, 0) AS leased
                        FROM auth.accounts a
                        LEFT JOIN (SELECT account_id, sum(amount_nanos)::bigint AS s FROM auth.credit_grants GROUP BY account_id) g ON g.account_id = a.id
                        LEFT JOIN (SELECT account_id, sum(cost_nanos)::bigint AS s FROM auth.applied_charges GROUP BY account_id) c ON c.account_id = a.id
                        LEFT JOIN (SELECT account_id, sum(amount_nanos)::bigint AS s FROM auth.credit_leases GROUP BY account_id) l ON l.account_id = a.id
                        WHERE ($2::uuid IS NULL OR a.id = $2)
                          AND (a.balance_nanos <> coalesce(g.s, 0) - coalesce(c.s, 0)
                           OR a.total_granted_nanos <> coalesce(g.s, 0) OR a.total_spent_nanos <> coalesce(c.s, 0)
                           OR a.held_nanos <> coalesce(l.s, 0))
                        ORDER BY a.id LIMIT $1""").execute(Tuple.of(limit, account)).map(rows -> {
            List<AccountDrift> out = new ArrayList<>();
            for (Row r : rows) {
                out.add(new AccountDrift(
                        r.getUUID("id").toString(),
                        r.getLong("balance_nanos"),
                        r.getLong("granted"),
                        r.getLong("charged"),
                        r.getLong("total_granted_nanos"),
                        r.getLong("total_spent_nanos"),
                        r.getLong("held_nanos"),
                        r.getLong("leased")));
            }
            return out;
        });
    }

    /**
     * A lease still reserving credit past its deadline: {@code awaiting charges} (closed before
     * {@code before}, costs whose charges have not arrived) or {@code abandoned} (its replica not heard
     * of since {@code before}; the sweep gives it back).
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record LateLease(
            String leaseId,
            String accountId,
            String keyId,
            long amountNanos,
            String state,
            Instant closedAt,
            Instant heartbeatAt) {}

    public Uni<List<LateLease>> lateLeases(UUID account, Instant before, int limit) {
        return pool.preparedQuery("""
                        SELECT id, account_id, key_id, amount_nanos, closed_at, heartbeat_at FROM auth.credit_leases
                        WHERE amount_nanos > 0 AND coalesce(closed_at, heartbeat_at) < $1 AND ($3::uuid IS NULL OR account_id = $3)
                        ORDER BY coalesce(closed_at, heartbeat_at) LIMIT $2""")
                .execute(Tuple.of(before.atOffset(ZoneOffset.UTC), limit, account))
                .map(rows -> {
                    List<LateLease> out = new ArrayList<>();
                    for (Row r : rows) {
                        Instant closed = CreditLedger.instant(r.getOffsetDateTime("closed_at"));
                        out.add(new LateLease(
                                r.getUUID("id").toString(),
                                r.getUUID("account_id").toString(),
                                r.getUUID("key_id").toString(),
                                r.getLong("amount_nanos"),
                                closed == null ? "abandoned" : "awaiting charges",
                                closed,
                                CreditLedger.instant(r.getOffsetDateTime("heartbeat_at"))));
                    }
                    return out;
                });
    }
}
