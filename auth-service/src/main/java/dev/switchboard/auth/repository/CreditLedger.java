package dev.switchboard.auth.repository;

import dev.switchboard.auth.service.AuthException;
import dev.switchboard.auth.service.LimitPeriod;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Function;

/**
 * Where money moves in PostgreSQL: credit leases are granted, given back and swept here, and
 * charges are debited. Requests never come here one by one: their holds live in memory against a
 * lease ({@code credit/CreditLeases}). Every transaction that touches a lease locks the lease's key
 * row first, so operations on one key's leases are serialized and cannot deadlock; the account row,
 * the only row shared between keys, is updated once per transaction. Invariants: an account's
 * {@code held_nanos} is the sum of its leases' {@code amount_nanos}, and so is a key's.
 */
@ApplicationScoped
public class CreditLedger {

    private final Pool pool;

    public CreditLedger(Pool pool) {
        this.pool = pool;
    }

    /** A key as the credit path needs it, locked for the rest of the transaction. */
    public record LockedKey(
            UUID id,
            UUID accountId,
            String kind,
            boolean disabled,
            boolean deleted,
            Instant expiresAt,
            Long limitNanos,
            LimitPeriod period,
            Instant periodStart,
            long periodSpentNanos,
            long heldNanos,
            String preferencesJson) {

        /** Spent in the current period, after a rollover the row does not show yet. */
        long spentNow(Instant now) {
            return period.start(now).isAfter(periodStart) ? 0 : periodSpentNanos;
        }

        /** What the key's limit still allows on top of what it spent and holds; {@link Long#MAX_VALUE} without a limit. */
        public long headroom(Instant now) {
            return limitNanos == null ? Long.MAX_VALUE : Math.max(0, limitNanos - spentNow(now) - heldNanos);
        }
    }

    /** What a grant added to a lease, and the key it was checked against. */
    public record Granted(long nanos, LockedKey key) {}

    private static final String KEY_COLUMNS = """
            k.id, k.account_id, k.kind, k.disabled, k.deleted_at IS NOT NULL AS deleted, k.expires_at, k.credit_limit_nanos, k.limit_reset, k.period_start,
            k.period_spent_nanos, k.held_nanos, a.preferences::text AS preferences""";

    public <T> Uni<T> inTransaction(Function<SqlConnection, Uni<T>> work) {
        return pool.withTransaction(work);
    }

    public Uni<LockedKey> lockKeyByHash(SqlConnection c, byte[] hash) {
        return c.preparedQuery(
                        "SELECT " + KEY_COLUMNS + " FROM auth.api_keys k JOIN auth.accounts a ON a.id = k.account_id"
                                + " WHERE k.key_hash = $1 FOR UPDATE OF k")
                .execute(Tuple.of(io.vertx.core.buffer.Buffer.buffer(hash)))
                .map(CreditLedger::key);
    }

    public Uni<LockedKey> lockKeyById(SqlConnection c, UUID keyId) {
        return c.preparedQuery(
                        "SELECT " + KEY_COLUMNS + " FROM auth.api_keys k JOIN auth.accounts a ON a.id = k.account_id"
                                + " WHERE k.id = $1 FOR UPDATE OF k")
                .execute(Tuple.of(keyId))
                .map(CreditLedger::key);
    }

    private static LockedKey key(RowSet<Row> rows) {
        if (!rows.iterator().hasNext()) {
            return null;
        }
        return keyOf(rows.iterator().next());
    }

    private static LockedKey keyOf(Row r) {
        return new LockedKey(
                r.getUUID("id"),
                r.getUUID("account_id"),
                r.getString("kind"),
                r.getBoolean("disabled"),
                r.getBoolean("deleted"),
                instant(r.getOffsetDateTime("expires_at")),
                r.getLong("credit_limit_nanos"),
                LimitPeriod.parse(r.getString("limit_reset")),
                instant(r.getOffsetDateTime("period_start")),
                r.getLong("period_spent_nanos"),
                r.getLong("held_nanos"),
                r.getString("preferences"));
    }

    /**
     * Adds between {@code minNanos} and {@code wantNanos} to lease {@code leaseId} (created when new):
     * as much as the account's available credit and the key's limit allow. 403 when the key's limit
     * leaves less than {@code minNanos}, 402 when the account does. The key is locked by the caller
     * ({@code key}, read in this transaction).
     */
    public Uni<Granted> grant(
            SqlConnection c, LockedKey key, UUID leaseId, String owner, long minNanos, long wantNanos, Instant now) {
        long headroom = key.headroom(now);
        if (headroom < minNanos) {
            return Uni.createFrom().failure(keyLimitReached(key));
        }
        long want = Math.max(minNanos, Math.min(wantNanos, headroom));
        return c.preparedQuery("""
                        WITH a AS (SELECT id, balance_nanos - held_nanos AS available FROM auth.accounts WHERE id = $1 FOR UPDATE)
                        UPDATE auth.accounts t SET held_nanos = t.held_nanos + least($2, a.available)
                        FROM a WHERE t.id = a.id AND a.available >= $3 RETURNING least($2, a.available) AS granted""")
                .execute(Tuple.of(key.accountId(), want, minNanos))
                .chain(rows -> {
                    if (!rows.iterator().hasNext()) {
                        return Uni.createFrom().failure(new AccountShort(key.accountId()));
                    }
                    long granted = rows.iterator().next().getLong("granted");
                    return c.preparedQuery(
                                    "UPDATE auth.api_keys SET held_nanos = held_nanos + $2, period_start = $3, period_spent_nanos = $4 WHERE id = $1")
                            .execute(
                                    Tuple.of(key.id(), granted, odt(key.period().start(now)), key.spentNow(now)))
                            .chain(() -> c.preparedQuery("""
                                            INSERT INTO auth.credit_leases (id, account_id, key_id, owner, amount_nanos) VALUES ($1, $2, $3, $4, $5)
                                            ON CONFLICT (id) DO UPDATE SET amount_nanos = credit_leases.amount_nanos + excluded.amount_nanos, heartbeat_at = now()""")
                                    .execute(Tuple.of(leaseId, key.accountId(), key.id(), owner, granted)))
                            .replaceWith(new Granted(granted, key));
                });
    }

    /** The account's available credit is less than a grant needs (a 402); names the account so its other leases can give back. */
    public static final class AccountShort extends AuthException {
        private final UUID accountId;

        public AccountShort(UUID accountId) {
            super(402, AuthException.insufficientCredit().getMessage());
            this.accountId = accountId;
        }

        public UUID accountId() {
            return accountId;
        }
    }

    public static AuthException keyLimitReached(LockedKey key) {
        return new AuthException(
                403,
                "Key limit reached: this key's spending limit for the "
                        + (key.period() == LimitPeriod.NEVER
                                ? "key's lifetime"
                                : key.period().wireName() + " period") + " is used up");
    }

    /**
     * Gives {@code unusedNanos} of a lease back to its account and key and, with {@code close}, takes
     * no more grants on it: what remains in it waits for its charges (or the sweep).
     */
    public Uni<Void> giveBack(UUID leaseId, UUID keyId, long unusedNanos, boolean close) {
        return pool.withTransaction(c -> c.preparedQuery("SELECT id FROM auth.api_keys WHERE id = $1 FOR UPDATE")
                .execute(Tuple.of(keyId))
                .chain(() -> c.preparedQuery("""
                                WITH l AS (SELECT id, amount_nanos FROM auth.credit_leases WHERE id = $1 FOR UPDATE)
                                UPDATE auth.credit_leases t SET amount_nanos = t.amount_nanos - least($2, l.amount_nanos),
                                    closed_at = CASE WHEN $3 THEN now() ELSE t.closed_at END
                                FROM l WHERE t.id = l.id RETURNING t.account_id, t.key_id, least($2, l.amount_nanos) AS given""").execute(Tuple.of(leaseId, Math.max(0, unusedNanos), close)))
                .chain(rows -> rows.iterator().hasNext()
                        ? release(c, rows.iterator().next())
                        : Uni.createFrom().voidItem()));
    }

    private static Uni<Void> release(SqlConnection c, Row lease) {
        long given = lease.getLong("given");
        if (given == 0) {
            return Uni.createFrom().voidItem();
        }
        return c.preparedQuery("UPDATE auth.accounts SET held_nanos = held_nanos - $2 WHERE id = $1")
                .execute(Tuple.of(lease.getUUID("account_id"), given))
                .chain(() -> c.preparedQuery(
                                "UPDATE auth.api_keys SET held_nanos = greatest(0, held_nanos - $2) WHERE id = $1")
                        .execute(Tuple.of(lease.getUUID("key_id"), given)))
                .replaceWithVoid();
    }

    /** Marks every open lease of {@code owner} alive. */
    public Uni<Integer> heartbeat(String owner) {
        return pool.preparedQuery(
                        "UPDATE auth.credit_leases SET heartbeat_at = now() WHERE owner = $1 AND closed_at IS NULL")
                .execute(Tuple.of(owner))
                .map(RowSet::rowCount);
    }

    /**
     * Ends the leases that no longer wait for anything: a closed lease once its charges have taken
     * everything it reserved (its amount is 0), and an open lease whose replica has not been heard of
     * since {@code abandonedBefore} (it died: what it reserved, unused credit and costs whose charges
     * have not arrived alike, is given back, and those charges are later debited without a lease).
     * A closed lease that still reserves costs waits for their charges however late they are (a
     * Kafka outage, a router replaying its spool), or for {@link #release}. One lease per
     * transaction, in the usual lock order; answers how many ended.
     */
    public Uni<Integer> sweep(Instant abandonedBefore, int batch) {
        return pool.preparedQuery("""
                        (SELECT id, key_id FROM auth.credit_leases WHERE closed_at IS NULL AND heartbeat_at < $1 LIMIT $2)
                        UNION ALL
                        (SELECT id, key_id FROM auth.credit_leases WHERE closed_at IS NOT NULL AND amount_nanos = 0 LIMIT $2)""")
                .execute(Tuple.of(odt(abandonedBefore), batch))
                .onItem()
                .transformToMulti(rows -> io.smallrye.mutiny.Multi.createFrom().iterable(rows))
                .onItem()
                .transformToUniAndConcatenate(row -> end(
                        row.getUUID("id"),
                        row.getUUID("key_id"),
                        "(closed_at IS NULL AND heartbeat_at < $2) OR (closed_at IS NOT NULL AND amount_nanos = 0)",
                        odt(abandonedBefore)))
                .collect()
                .asList()
                .map(done -> done.stream().filter(Lease::ended).mapToInt(e -> 1).sum());
    }

    /** What a lease reserved when it ended: the lease, its account and what went back to it. */
    public record Lease(UUID id, UUID accountId, UUID keyId, long givenNanos) {
        boolean ended() {
            return id != null;
        }
    }

    private static final Lease NOT_ENDED = new Lease(null, null, null, 0);

    /**
     * Ends a closed lease now and gives back what it still reserves: the operator's way to settle a
     * lease whose charges will never come (a router that lost its spool), after reconciliation showed
     * which. Null when there is no such closed lease (an open lease is its replica's to end).
     */
    public Uni<Lease> release(UUID leaseId) {
        return pool.preparedQuery("SELECT key_id FROM auth.credit_leases WHERE id = $1 AND closed_at IS NOT NULL")
                .execute(Tuple.of(leaseId))
                .chain(rows -> rows.iterator().hasNext()
                        ? end(leaseId, rows.iterator().next().getUUID("key_id"), "closed_at IS NOT NULL AND $2", true)
                        : Uni.createFrom().item(NOT_ENDED))
                .map(lease -> lease.ended() ? lease : null);
    }

    /** Deletes the lease if {@code condition} (on {@code $2}) still holds under its key's lock, giving back its amount. */
    private Uni<Lease> end(UUID leaseId, UUID keyId, String condition, Object parameter) {
        return pool.withTransaction(c -> c.preparedQuery("SELECT id FROM auth.api_keys WHERE id = $1 FOR UPDATE")
                .execute(Tuple.of(keyId))
                .chain(() -> c.preparedQuery("DELETE FROM auth.credit_leases WHERE id = $1 AND (" + condition + ")"
                                + " RETURNING account_id, key_id, amount_nanos AS given")
                        .execute(Tuple.of(leaseId, parameter)))
                .chain(deleted -> {
                    if (!deleted.iterator().hasNext()) {
                        return Uni.createFrom().item(NOT_ENDED);
                    }
                    Row row = deleted.iterator().next();
                    Lease ended =
                            new Lease(leaseId, row.getUUID("account_id"), row.getUUID("key_id"), row.getLong("given"));
                    return release(c, row).replaceWith(ended);
                }));
    }

    /** A charge to apply: its id, hold, lease (null when the hold names none), account, key and cost. */
    public record Charge(String chargeId, String holdId, UUID leaseId, UUID accountId, UUID keyId, long costNanos) {}

    /**
     * Applies a batch of charges in one transaction, with the effect of applying them one by one:
     * records them (those applied before are skipped), locks their keys in id order, takes their
     * costs out of their leases, then debits accounts, keys and key days with one statement each.
     * Answers the charges that were new, and the accounts they left in debt (a balance below zero:
     * charges that no lease covered, see docs/architecture.md "Credit holds"). Charges of one account
     * arrive on one Kafka partition, so two batches never contend for an account.
     */
    public Uni<Settled> settleAll(List<Charge> charges, Instant now) {
        if (charges.isEmpty()) {
            return Uni.createFrom().item(new Settled(List.of(), Map.of()));
        }
        String[] ids = new String[charges.size()];
        String[] holds = new String[charges.size()];
        UUID[] accounts = new UUID[charges.size()];
        Long[] costs = new Long[charges.size()];
        for (int i = 0; i < charges.size(); i++) {
            Charge ch = charges.get(i);
            ids[i] = ch.chargeId();
            holds[i] = ch.holdId();
            accounts[i] = ch.accountId();
            costs[i] = ch.costNanos();
        }
        return pool.withTransaction(c -> c.preparedQuery("""
                        INSERT INTO auth.applied_charges (charge_id, hold_id, account_id, cost_nanos, applied_at)
                        SELECT d.charge_id, d.hold_id, d.account_id, d.cost, now()
                        FROM unnest($1::text[], $2::text[], $3::uuid[], $4::bigint[]) AS d(charge_id, hold_id, account_id, cost)
                        ON CONFLICT (charge_id) DO NOTHING RETURNING charge_id""")
                .execute(Tuple.of(ids, holds, accounts, costs))
                .chain(inserted -> {
                    Set<String> fresh = new HashSet<>();
                    inserted.forEach(r -> fresh.add(r.getString("charge_id")));
                    List<Charge> applied = new ArrayList<>();
                    Set<String> seen = new HashSet<>();
                    for (Charge ch : charges) {
                        if (fresh.contains(ch.chargeId()) && seen.add(ch.chargeId())) {
                            applied.add(ch);
                        }
                    }
                    return applied.isEmpty()
                            ? Uni.createFrom().item(new Settled(applied, Map.of()))
                            : debitAll(c, applied, now).map(debts -> new Settled(applied, debts));
                }));
    }

    /** The charges a batch applied (those new to it), and each account it left below zero with its balance. */
    public record Settled(List<Charge> applied, Map<UUID, Long> debts) {}

    /** Debits the charges; answers the balance of every account they left below zero. */
    private Uni<Map<UUID, Long>> debitAll(SqlConnection c, List<Charge> applied, Instant now) {
        Map<UUID, Long> costPerLease = new TreeMap<>();
        Map<UUID, Long> costPerKey = new TreeMap<>();
        Map<UUID, Long> costPerAccount = new TreeMap<>();
        for (Charge ch : applied) {
            costPerAccount.merge(ch.accountId(), ch.costNanos(), Long::sum);
            if (ch.keyId() != null) {
                costPerKey.merge(ch.keyId(), ch.costNanos(), Long::sum);
                // a lease is only touched under its key's lock
                if (ch.leaseId() != null && ch.costNanos() > 0) {
                    costPerLease.merge(ch.leaseId(), ch.costNanos(), Long::sum);
                }
            }
        }
        UUID[] keyIds = costPerKey.keySet().toArray(UUID[]::new);
        Uni<Map<UUID, LockedKey>> keys = keyIds.length == 0
                ? Uni.createFrom().item(Map.of())
                : c.preparedQuery("SELECT " + KEY_COLUMNS
                                + " FROM auth.api_keys k JOIN auth.accounts a ON a.id = k.account_id"
                                + " WHERE k.id = ANY($1) ORDER BY k.id FOR UPDATE OF k")
                        .execute(Tuple.of((Object) keyIds))
                        .map(rows -> {
                            Map<UUID, LockedKey> out = new HashMap<>();
                            for (Row r : rows) {
                                LockedKey k = keyOf(r);
                                out.put(k.id(), k);
                            }
                            return out;
                        });
        return keys.chain(locked -> coverAll(c, costPerLease).chain(covered -> {
            Map<UUID, Long> coveredPerAccount = new HashMap<>();
            Map<UUID, Long> coveredPerKey = new HashMap<>();
            covered.forEach(row -> {
                coveredPerAccount.merge(row.accountId(), row.covered(), Long::sum);
                coveredPerKey.merge(row.keyId(), row.covered(), Long::sum);
            });
            int n = costPerAccount.size();
            UUID[] accountIds = new UUID[n];
            Long[] accountCovered = new Long[n];
            Long[] accountCost = new Long[n];
            int i = 0;
            for (var e : costPerAccount.entrySet()) {
                accountIds[i] = e.getKey();
                accountCovered[i] = coveredPerAccount.getOrDefault(e.getKey(), 0L);
                accountCost[i++] = e.getValue();
            }
            Uni<Map<UUID, Long>> accounts = c.preparedQuery("""
                            UPDATE auth.accounts a SET held_nanos = a.held_nanos - d.covered, balance_nanos = a.balance_nanos - d.cost,
                                total_spent_nanos = a.total_spent_nanos + d.cost
                            FROM unnest($1::uuid[], $2::bigint[], $3::bigint[]) AS d(id, covered, cost) WHERE a.id = d.id
                            RETURNING a.id, a.balance_nanos""")
                    .execute(Tuple.of(accountIds, accountCovered, accountCost))
                    .map(rows -> {
                        Map<UUID, Long> debts = new HashMap<>();
                        rows.forEach(r -> {
                            if (r.getLong("balance_nanos") < 0) {
                                debts.put(r.getUUID("id"), r.getLong("balance_nanos"));
                            }
                        });
                        return debts;
                    });
            List<LockedKey> keyRows = new ArrayList<>(locked.values());
            if (keyRows.isEmpty()) {
                return accounts;
            }
            int m = keyRows.size();
            UUID[] ids = new UUID[m];
            Long[] release = new Long[m];
            OffsetDateTime[] periodStart = new OffsetDateTime[m];
            Long[] spent = new Long[m];
            Long[] cost = new Long[m];
            LocalDate[] days = new LocalDate[m];
            LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
            for (int j = 0; j < m; j++) {
                LockedKey k = keyRows.get(j);
                long keyCost = costPerKey.get(k.id());
                ids[j] = k.id();
                release[j] = coveredPerKey.getOrDefault(k.id(), 0L);
                periodStart[j] = odt(k.period().start(now));
                spent[j] = k.spentNow(now) + keyCost;
                cost[j] = keyCost;
                days[j] = today;
            }
            return accounts.call(() -> c.preparedQuery("""
                                    UPDATE auth.api_keys k SET held_nanos = greatest(0, k.held_nanos - d.release), period_start = d.period_start,
                                        period_spent_nanos = d.spent, total_spent_nanos = k.total_spent_nanos + d.cost
                                    FROM unnest($1::uuid[], $2::bigint[], $3::timestamptz[], $4::bigint[], $5::bigint[])
                                        AS d(id, release, period_start, spent, cost) WHERE k.id = d.id""")
                    .execute(Tuple.of(ids, release, periodStart, spent, cost))
                    .chain(() -> c.preparedQuery("""
                                    INSERT INTO auth.key_spend_days (key_id, day, spent_nanos)
                                    SELECT d.key_id, d.day, d.cost FROM unnest($1::uuid[], $2::date[], $3::bigint[]) AS d(key_id, day, cost)
                                    WHERE d.cost > 0
                                    ON CONFLICT (key_id, day) DO UPDATE SET spent_nanos = key_spend_days.spent_nanos + excluded.spent_nanos""").execute(Tuple.of(ids, days, cost))));
        }));
    }

    private record Covered(UUID accountId, UUID keyId, long covered) {}

    /** Takes each lease's charged costs out of it (up to what it holds); answers what each covered. */
    private static Uni<List<Covered>> coverAll(SqlConnection c, Map<UUID, Long> costPerLease) {
        if (costPerLease.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        UUID[] leases = costPerLease.keySet().toArray(UUID[]::new);
        Long[] costs = costPerLease.values().toArray(Long[]::new);
        return c.preparedQuery("""
                        WITH d AS (SELECT * FROM unnest($1::uuid[], $2::bigint[]) AS d(id, cost)),
                             l AS (SELECT t.id, t.amount_nanos, d.cost FROM auth.credit_leases t JOIN d ON t.id = d.id ORDER BY t.id FOR UPDATE OF t)
                        UPDATE auth.credit_leases t SET amount_nanos = t.amount_nanos - least(l.cost, l.amount_nanos)
                        FROM l WHERE t.id = l.id RETURNING t.account_id, t.key_id, least(l.cost, l.amount_nanos) AS covered""").execute(Tuple.of(leases, costs)).map(rows -> {
            List<Covered> out = new ArrayList<>();
            rows.forEach(r -> out.add(new Covered(r.getUUID("account_id"), r.getUUID("key_id"), r.getLong("covered"))));
            return out;
        });
    }

    static Instant instant(OffsetDateTime t) {
        return t == null ? null : t.toInstant();
    }

    static OffsetDateTime odt(Instant t) {
        return t.atOffset(ZoneOffset.UTC);
    }
}
