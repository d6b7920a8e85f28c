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
 * Where money moves: every credit operation is one transaction of plain SQL with explicit row
 * locks, in a fixed order (hold, then key, then account) so concurrent operations cannot deadlock.
 * The account's reservation is a single conditional update ({@code balance - held >= amount});
 * the key's spending limit is checked under the key's row lock, its period rolled over lazily.
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

    /** Fails unless {@code nanos} more fit under the key's limit in the current period. */
    public static void checkKeyLimit(LockedKey key, long nanos, Instant now) {
        if (key.limitNanos() != null && key.spentNow(now) + key.heldNanos() + nanos > key.limitNanos()) {
            throw new AuthException(403, "Key limit reached: this key's spending limit for the "
                    + (key.period() == LimitPeriod.NEVER ? "key's lifetime" : key.period().wireName() + " period") + " is used up");
        }
    }

    /** Reserves {@code nanos} on the account (one conditional update) and on the key; rolls the key's period over. */
    public Uni<Void> reserve(SqlConnection c, LockedKey key, long nanos, Instant now) {
        return c.preparedQuery("UPDATE auth.accounts SET held_nanos = held_nanos + $2 WHERE id = $1 AND balance_nanos - held_nanos >= $2")
                .execute(Tuple.of(key.accountId(), nanos))
                .chain(rows -> {
                    if (rows.rowCount() == 0) {
                        return Uni.createFrom().failure(AuthException.insufficientCredit());
                    }
                    Instant periodStart = key.period().start(now);
                    return c.preparedQuery("UPDATE auth.api_keys SET held_nanos = held_nanos + $2, period_start = $3, period_spent_nanos = $4 WHERE id = $1")
                            .execute(Tuple.of(key.id(), nanos, odt(periodStart), key.spentNow(now)))
                            .replaceWithVoid();
                });
    }

    public Uni<Void> insertHold(SqlConnection c, String holdId, LockedKey key, long nanos, Instant now, Instant expiresAt) {
        return c.preparedQuery("INSERT INTO auth.holds (id, account_id, key_id, amount_nanos, status, created_at, expires_at)"
                        + " VALUES ($1, $2, $3, $4, 'open', $5, $6)")
                .execute(Tuple.tuple().addString(holdId).addUUID(key.accountId()).addUUID(key.id()).addLong(nanos)
                        .addOffsetDateTime(odt(now)).addOffsetDateTime(odt(expiresAt)))
                .onFailure(e -> e.getMessage() != null && e.getMessage().contains("holds_pkey"))
                .transform(e -> AuthException.badRequest("generation id already has a hold"))
                .replaceWithVoid();
    }

    /** A hold as the credit path needs it, locked. */
    public record LockedHold(String id, UUID accountId, UUID keyId, String status, long amountNanos, long releasedNanos) {
        public boolean open() {
            return "open".equals(status);
        }

        public long remaining() {
            return amountNanos - releasedNanos;
        }
    }

    public Uni<LockedHold> lockHold(SqlConnection c, String holdId) {
        return c.preparedQuery("SELECT id, account_id, key_id, status, amount_nanos, released_nanos FROM auth.holds WHERE id = $1 FOR UPDATE")
                .execute(Tuple.of(holdId)).map(rows -> {
                    if (!rows.iterator().hasNext()) {
                        return null;
                    }
                    Row r = rows.iterator().next();
                    return new LockedHold(r.getString("id"), r.getUUID("account_id"), r.getUUID("key_id"), r.getString("status"),
                            r.getLong("amount_nanos"), r.getLong("released_nanos"));
                });
    }

    public Uni<Void> growHold(SqlConnection c, String holdId, long nanos) {
        return c.preparedQuery("UPDATE auth.holds SET amount_nanos = amount_nanos + $2 WHERE id = $1")
                .execute(Tuple.of(holdId, nanos)).replaceWithVoid();
    }

    /** Marks {@code release} of the hold as given back; closes it with {@code closeAs} when not null. */
    public Uni<Void> releaseOnHold(SqlConnection c, LockedHold hold, long release, long charged, String closeAs) {
        return c.preparedQuery("UPDATE auth.holds SET released_nanos = released_nanos + $2, charged_nanos = charged_nanos + $3,"
                        + " status = coalesce($4, status), closed_at = CASE WHEN $4 IS NULL THEN closed_at ELSE now() END WHERE id = $1")
                .execute(Tuple.of(hold.id(), release, charged, closeAs)).replaceWithVoid();
    }

    /**
     * Gives {@code release} of reserved credit back to the account and the key, and debits
     * {@code cost} from both (the key's current period and its day). Locks the key before touching
     * the account, the order every credit operation follows.
     */
    public Uni<Void> apply(SqlConnection c, UUID accountId, UUID keyId, long release, long cost, Instant now) {
        Uni<LockedKey> key = keyId == null ? Uni.createFrom().nullItem() : lockKeyById(c, keyId);
        return key.chain(k -> c.preparedQuery("UPDATE auth.accounts SET held_nanos = held_nanos - $2, balance_nanos = balance_nanos - $3,"
                                + " total_spent_nanos = total_spent_nanos + $3 WHERE id = $1")
                        .execute(Tuple.of(accountId, release, cost))
                        .chain(() -> k == null ? Uni.createFrom().voidItem() : debitKey(c, k, release, cost, now)));
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

    /** Records a charge id; false when it was recorded before (the charge was applied already). */
    public Uni<Boolean> recordCharge(SqlConnection c, String chargeId, String holdId, UUID accountId, long cost) {
        return c.preparedQuery("INSERT INTO auth.applied_charges (charge_id, hold_id, account_id, cost_nanos, applied_at)"
                        + " VALUES ($1, $2, $3, $4, now()) ON CONFLICT (charge_id) DO NOTHING")
                .execute(Tuple.of(chargeId, holdId, accountId, cost)).map(rows -> rows.rowCount() == 1);
    }

    static Instant instant(OffsetDateTime t) {
        return t == null ? null : t.toInstant();
    }

    static OffsetDateTime odt(Instant t) {
        return t.atOffset(ZoneOffset.UTC);
    }
}
