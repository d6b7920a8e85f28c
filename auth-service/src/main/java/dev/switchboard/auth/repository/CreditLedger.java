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
    public record LockedKey(UUID id, UUID accountId, String kind, boolean disabled, boolean deleted, Instant expiresAt, Long limitNanos,
                            LimitPeriod period, Instant periodStart, long periodSpentNanos, long heldNanos, String preferencesJson) {

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
    public record Granted(long nanos, LockedKey key) {
    }

    private static final String KEY_COLUMNS = """
            k.id, k.account_id, k.kind, k.disabled, k.deleted_at IS NOT NULL AS deleted, k.expires_at, k.credit_limit_nanos, k.limit_reset, k.period_start,
            k.period_spent_nanos, k.held_nanos, a.preferences::text AS preferences""";

    public <T> Uni<T> inTransaction(Function<SqlConnection, Uni<T>> work) {
        return pool.withTransaction(work);
    }

    public Uni<LockedKey> lockKeyByHash(SqlConnection c, byte[] hash) {
        return c.preparedQuery("SELECT " + KEY_COLUMNS + " FROM auth.api_keys k JOIN auth.accounts a ON a.id = k.account_id"
                        + " WHERE k.key_hash = $1 FOR UPDATE OF k")
                .execute(Tuple.of(io.vertx.core.buffer.Buffer.buffer(hash))).map(CreditLedger::key);
    }

    public Uni<LockedKey> lockKeyById(SqlConnection c, UUID keyId) {
        return c.preparedQuery("SELECT " + KEY_COLUMNS + " FROM auth.api_keys k JOIN auth.accounts a ON a.id = k.account_id"
                        + " WHERE k.id = $1 FOR UPDATE OF k")
                .execute(Tuple.of(keyId)).map(CreditLedger::key);
    }

    private static LockedKey key(RowSet<Row> rows) {
        if (!rows.iterator().hasNext()) {
            return null;
        }
        Row r = rows.iterator().next();
        return new LockedKey(r.getUUID("id"), r.getUUID("account_id"), r.getString("kind"), r.getBoolean("disabled"), r.getBoolean("deleted"),
                instant(r.getOffsetDateTime("expires_at")), r.getLong("credit_limit_nanos"), LimitPeriod.parse(r.getString("limit_reset")),
                instant(r.getOffsetDateTime("period_start")), r.getLong("period_spent_nanos"), r.getLong("held_nanos"),
                r.getString("preferences"));
    }

    /**
     * Adds between {@code minNanos} and {@code wantNanos} to lease {@code leaseId} (created when new):
     * as much as the account's available credit and the key's limit allow. 403 when the key's limit
     * leaves less than {@code minNanos}, 402 when the account does. The key is locked by the caller
     * ({@code key}, read in this transaction).
     */
    public Uni<Granted> grant(SqlConnection c, LockedKey key, UUID leaseId, String owner, long minNanos, long wantNanos, Instant now) {
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
                        return Uni.createFrom().failure(AuthException.insufficientCredit());
                    }
                    long granted = rows.iterator().next().getLong("granted");
                    return c.preparedQuery("UPDATE auth.api_keys SET held_nanos = held_nanos + $2, period_start = $3, period_spent_nanos = $4 WHERE id = $1")
                            .execute(Tuple.of(key.id(), granted, odt(key.period().start(now)), key.spentNow(now)))
                            .chain(() -> c.preparedQuery("""
                                            INSERT INTO auth.credit_leases (id, account_id, key_id, owner, amount_nanos) VALUES ($1, $2, $3, $4, $5)
                                            ON CONFLICT (id) DO UPDATE SET amount_nanos = credit_leases.amount_nanos + excluded.amount_nanos, heartbeat_at = now()""")
                                    .execute(Tuple.of(leaseId, key.accountId(), key.id(), owner, granted)))
                            .replaceWith(new Granted(granted, key));
                });
    }

    public static AuthException keyLimitReached(LockedKey key) {
        return new AuthException(403, "Key limit reached: this key's spending limit for the "
                + (key.period() == LimitPeriod.NEVER ? "key's lifetime" : key.period().wireName() + " period") + " is used up");
    }

    /**
     * Gives {@code unusedNanos} of a lease back to its account and key and, with {@code close}, takes
     * no more grants on it: what remains in it waits for its charges (or the sweep).
     */
    public Uni<Void> giveBack(UUID leaseId, UUID keyId, long unusedNanos, boolean close) {
        return pool.withTransaction(c -> c.preparedQuery("SELECT id FROM auth.api_keys WHERE id = $1 FOR UPDATE").execute(Tuple.of(keyId))
                .chain(() -> c.preparedQuery("""
                                WITH l AS (SELECT id, amount_nanos FROM auth.credit_leases WHERE id = $1 FOR UPDATE)
                                UPDATE auth.credit_leases t SET amount_nanos = t.amount_nanos - least($2, l.amount_nanos),
                                    closed_at = CASE WHEN $3 THEN now() ELSE t.closed_at END
                                FROM l WHERE t.id = l.id RETURNING t.account_id, t.key_id, least($2, l.amount_nanos) AS given""")
                        .execute(Tuple.of(leaseId, Math.max(0, unusedNanos), close)))
                .chain(rows -> rows.iterator().hasNext() ? release(c, rows.iterator().next()) : Uni.createFrom().voidItem()));
    }

    private static Uni<Void> release(SqlConnection c, Row lease) {
        long given = lease.getLong("given");
        if (given == 0) {
            return Uni.createFrom().voidItem();
        }
        return c.preparedQuery("UPDATE auth.accounts SET held_nanos = held_nanos - $2 WHERE id = $1")
                .execute(Tuple.of(lease.getUUID("account_id"), given))
                .chain(() -> c.preparedQuery("UPDATE auth.api_keys SET held_nanos = greatest(0, held_nanos - $2) WHERE id = $1")
                        .execute(Tuple.of(lease.getUUID("key_id"), given)))
                .replaceWithVoid();
    }

    /** Marks every open lease of {@code owner} alive. */
    public Uni<Integer> heartbeat(String owner) {
        return pool.preparedQuery("UPDATE auth.credit_leases SET heartbeat_at = now() WHERE owner = $1 AND closed_at IS NULL")
                .execute(Tuple.of(owner)).map(RowSet::rowCount);
    }

    /**
     * Gives back what is left in leases closed, or not heard of, since {@code before}: by then every
     * charge they were waiting for has arrived (or is late, and is then debited without a lease).
     * One lease per transaction, in the usual lock order; answers how many were swept.
     */
    public Uni<Integer> sweep(Instant before, int batch) {
        return pool.preparedQuery("SELECT id, key_id FROM auth.credit_leases WHERE coalesce(closed_at, heartbeat_at) < $1 LIMIT $2")
                .execute(Tuple.of(odt(before), batch))
                .onItem().transformToMulti(rows -> io.smallrye.mutiny.Multi.createFrom().iterable(rows))
                .onItem().transformToUniAndConcatenate(row -> pool.withTransaction(c -> c.preparedQuery("SELECT id FROM auth.api_keys WHERE id = $1 FOR UPDATE")
                        .execute(Tuple.of(row.getUUID("key_id")))
                        .chain(() -> c.preparedQuery("DELETE FROM auth.credit_leases WHERE id = $1 AND coalesce(closed_at, heartbeat_at) < $2"
                                        + " RETURNING account_id, key_id, amount_nanos AS given")
                                .execute(Tuple.of(row.getUUID("id"), odt(before))))
                        .chain(deleted -> deleted.iterator().hasNext() ? release(c, deleted.iterator().next()).replaceWith(1) : Uni.createFrom().item(0))))
                .collect().asList()
                .map(done -> done.stream().mapToInt(Integer::intValue).sum());
    }

    /**
     * Applies a charge in one transaction: records it (false when it was applied before), debits its
     * cost from the account and the key (period and day), and takes the part of the cost its lease
     * reserved out of the lease. A charge whose lease is gone is debited all the same.
     */
    public Uni<Boolean> settle(String chargeId, String holdId, UUID leaseId, UUID accountId, UUID keyId, long cost, Instant now) {
        return pool.withTransaction(c -> c.preparedQuery("INSERT INTO auth.applied_charges (charge_id, hold_id, account_id, cost_nanos, applied_at)"
                        + " VALUES ($1, $2, $3, $4, now()) ON CONFLICT (charge_id) DO NOTHING")
                .execute(Tuple.of(chargeId, holdId, accountId, cost)).chain(recorded -> {
                    if (recorded.rowCount() == 0) {
                        return Uni.createFrom().item(false);
                    }
                    Uni<LockedKey> key = keyId == null ? Uni.createFrom().nullItem() : lockKeyById(c, keyId);
                    // a lease is only touched under its key's lock
                    UUID lease = keyId == null ? null : leaseId;
                    return key.chain(k -> covered(c, lease, cost).chain(covered -> c.preparedQuery(
                                    "UPDATE auth.accounts SET held_nanos = held_nanos - $2, balance_nanos = balance_nanos - $3,"
                                            + " total_spent_nanos = total_spent_nanos + $3 WHERE id = $1")
                            .execute(Tuple.of(accountId, covered, cost))
                            .chain(() -> k == null ? Uni.createFrom().voidItem() : debitKey(c, k, covered, cost, now))))
                            .replaceWith(true);
                }));
    }

    /** Takes up to {@code cost} out of the lease; answers how much it held. */
    private static Uni<Long> covered(SqlConnection c, UUID leaseId, long cost) {
        if (leaseId == null || cost == 0) {
            return Uni.createFrom().item(0L);
        }
        return c.preparedQuery("""
                        WITH l AS (SELECT id, amount_nanos FROM auth.credit_leases WHERE id = $1 FOR UPDATE)
                        UPDATE auth.credit_leases t SET amount_nanos = t.amount_nanos - least($2, l.amount_nanos)
                        FROM l WHERE t.id = l.id RETURNING least($2, l.amount_nanos) AS covered""")
                .execute(Tuple.of(leaseId, cost))
                .map(rows -> rows.iterator().hasNext() ? rows.iterator().next().getLong("covered") : 0L);
    }

    private Uni<Void> debitKey(SqlConnection c, LockedKey key, long release, long cost, Instant now) {
        return c.preparedQuery("UPDATE auth.api_keys SET held_nanos = greatest(0, held_nanos - $2), period_start = $3,"
                        + " period_spent_nanos = $4, total_spent_nanos = total_spent_nanos + $5 WHERE id = $1")
                .execute(Tuple.of(key.id(), release, odt(key.period().start(now)), key.spentNow(now) + cost, cost))
                .chain(() -> cost == 0 ? Uni.createFrom().voidItem() : c.preparedQuery(
                                "INSERT INTO auth.key_spend_days (key_id, day, spent_nanos) VALUES ($1, $2, $3)"
                                        + " ON CONFLICT (key_id, day) DO UPDATE SET spent_nanos = key_spend_days.spent_nanos + excluded.spent_nanos")
                        .execute(Tuple.of(key.id(), LocalDate.ofInstant(now, ZoneOffset.UTC), cost)).replaceWithVoid());
    }

    static Instant instant(OffsetDateTime t) {
        return t == null ? null : t.toInstant();
    }

    static OffsetDateTime odt(Instant t) {
        return t.atOffset(ZoneOffset.UTC);
    }
}
