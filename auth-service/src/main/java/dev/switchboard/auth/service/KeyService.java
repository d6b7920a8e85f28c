package dev.switchboard.auth.service;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.auth.messaging.KeyEvents;
import dev.switchboard.auth.repository.Account;
import dev.switchboard.auth.repository.ApiKey;
import dev.switchboard.wire.KeyClaims;
import dev.switchboard.wire.Money;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import org.hibernate.LockMode;
import org.hibernate.reactive.mutiny.Mutiny;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Keys as their owners see them: verification (claims for the edge's cache), the management API
 * (list, create, read, update, delete an account's inference keys), and the views behind
 * {@code /key} and {@code /credits}. Every change bumps the key's version and is published as a key event.
 */
@ApplicationScoped
public class KeyService {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final int PAGE = 100;

    private final Mutiny.SessionFactory sessions;
    private final Pool pool;
    private final KeyCodec codec;
    private final KeyEvents events;
    private final AccountService accounts;
    private final CreditLeases leases;

    public KeyService(
            Mutiny.SessionFactory sessions,
            Pool pool,
            KeyCodec codec,
            KeyEvents events,
            AccountService accounts,
            CreditLeases leases) {
        this.leases = leases;
        this.sessions = sessions;
        this.pool = pool;
        this.codec = codec;
        this.events = events;
        this.accounts = accounts;
    }

    /** Claims of a usable key: 401 when unknown, deleted or expired; 403 when disabled. */
    public Uni<KeyClaims> verify(String secret) {
        if (secret == null || secret.isBlank()) {
            return Uni.createFrom().failure(AuthException.missingKey());
        }
        if (!codec.wellFormed(secret)) {
            return Uni.createFrom().failure(AuthException.invalidKey());
        }
        byte[] hash = codec.hash(secret);
        return sessions.withSession(session -> session.createSelectionQuery(
                        "from ApiKey where keyHash = :hash", ApiKey.class)
                .setParameter("hash", hash)
                .getSingleResultOrNull()
                .chain(key -> {
                    usable(key);
                    return session.find(Account.class, key.accountId).map(account -> claims(key, account));
                }));
    }

    static void usable(ApiKey key) {
        if (key == null || key.deletedAt != null) {
            throw AuthException.invalidKey();
        }
        if (key.expiresAt != null && !key.expiresAt.isAfter(Instant.now())) {
            throw new AuthException(401, "This API key has expired");
        }
        if (key.disabled) {
            throw AuthException.forbidden("This API key is disabled");
        }
    }

    static KeyClaims claims(ApiKey key, Account account) {
        return new KeyClaims(
                key.accountId.toString(),
                key.id.toString(),
                key.kind,
                key.rateLimitRpm,
                key.rateLimitTpm,
                Preferences.parse(account.preferences),
                key.version + account.preferencesVersion);
    }

    /** Current versions of the given keys; a key that is gone, disabled or expired is left out (the cache drops it). */
    public Uni<Map<String, Long>> versions(List<UUID> ids) {
        if (ids.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        return pool.preparedQuery("""
                        SELECT k.id, k.version + a.preferences_version AS version FROM auth.api_keys k
                        JOIN auth.accounts a ON a.id = k.account_id
                        WHERE k.id = ANY($1) AND k.deleted_at IS NULL AND NOT k.disabled AND (k.expires_at IS NULL OR k.expires_at > now())""")
                .execute(Tuple.of(ids.toArray(new UUID[0])))
                .map(rows -> {
                    Map<String, Long> out = new HashMap<>();
                    rows.forEach(r -> out.put(r.getUUID("id").toString(), r.getLong("version")));
                    return out;
                });
    }

    // ---- management API (scoped to one account) ----

    public Uni<List<ObjectNode>> list(UUID accountId, boolean includeDisabled, int offset) {
        return views(
                "k.kind = 'inference' AND ($5 OR NOT k.disabled) ORDER BY k.created_at, k.id LIMIT " + PAGE
                        + " OFFSET $6",
                accountId,
                includeDisabled,
                Math.max(0, offset));
    }

    public Uni<ObjectNode> get(UUID accountId, UUID keyId) {
        return views("k.kind = 'inference' AND k.id = $5", accountId, keyId).map(list -> {
            if (list.isEmpty()) {
                throw AuthException.notFound("key");
            }
            return list.getFirst();
        });
    }

    /** Creates an inference key; the answer carries the secret, shown this once. */
    public Uni<ObjectNode> create(UUID accountId, KeyChanges changes) {
        return accounts.issueKey(accountId, KeyClaims.INFERENCE, null, changes, true)
                .invoke(issued -> events.publish(issued.key().id, accountId, "created"))
                .chain(issued -> get(accountId, issued.key().id).map(view -> {
                    ObjectNode out = JSON.objectNode();
                    out.set("data", view);
                    out.put("key", issued.secret());
                    return out;
                }));
    }

    public Uni<ObjectNode> update(UUID accountId, UUID keyId, KeyChanges changes) {
        return sessions.withTransaction(session -> session.find(ApiKey.class, keyId, LockMode.PESSIMISTIC_WRITE)
                        .chain(key -> {
                            if (key == null
                                    || !key.accountId.equals(accountId)
                                    || key.deletedAt != null
                                    || !KeyClaims.INFERENCE.equals(key.kind)) {
                                return Uni.createFrom().failure(AuthException.notFound("key"));
                            }
                            changes.applyTo(key, false);
                            key.version++;
                            key.updatedAt = Instant.now();
                            return Uni.createFrom().item(key);
                        }))
                .invoke(key -> {
                    leases.invalidateKey(key.id);
                    events.publish(key.id, accountId, key.disabled ? "revoked" : "updated");
                })
                .chain(key -> get(accountId, key.id));
    }

    public Uni<Void> delete(UUID accountId, UUID keyId) {
        return sessions.withTransaction(session -> session.find(ApiKey.class, keyId, LockMode.PESSIMISTIC_WRITE)
                        .chain(key -> {
                            if (key == null
                                    || !key.accountId.equals(accountId)
                                    || key.deletedAt != null
                                    || !KeyClaims.INFERENCE.equals(key.kind)) {
                                return Uni.createFrom().failure(AuthException.notFound("key"));
                            }
                            key.deletedAt = Instant.now();
                            key.disabled = true;
                            key.version++;
                            key.updatedAt = key.deletedAt;
                            return Uni.createFrom().voidItem();
                        }))
                .invoke(() -> {
                    leases.invalidateKey(keyId);
                    events.publish(keyId, accountId, "revoked");
                });
    }

    /** {@code GET /key}: the calling key. */
    public Uni<ObjectNode> info(UUID keyId) {
        return pool.preparedQuery("SELECT account_id FROM auth.api_keys WHERE id = $1 AND deleted_at IS NULL")
                .execute(Tuple.of(keyId))
                .chain(rows -> {
                    if (!rows.iterator().hasNext()) {
                        return Uni.createFrom().failure(AuthException.notFound("key"));
                    }
                    UUID accountId = rows.iterator().next().getUUID("account_id");
                    return views("k.id = $5", accountId, keyId);
                })
                .map(list -> {
                    ObjectNode view = list.getFirst();
                    ObjectNode data = JSON.objectNode();
                    for (String field : List.of(
                            "label",
                            "limit",
                            "usage",
                            "usage_daily",
                            "usage_weekly",
                            "usage_monthly",
                            "byok_usage",
                            "byok_usage_daily",
                            "byok_usage_weekly",
                            "byok_usage_monthly",
                            "limit_remaining",
                            "limit_reset",
                            "include_byok_in_limit",
                            "creator_user_id",
                            "expires_at")) {
                        data.set(field, view.get(field));
                    }
                    data.put("is_free_tier", false);
                    data.put(
                            "is_management_key",
                            KeyClaims.MANAGEMENT.equals(view.path("kind").asText()));
                    data.put(
                            "is_provisioning_key",
                            KeyClaims.MANAGEMENT.equals(view.path("kind").asText()));
                    ObjectNode rate = data.putObject("rate_limit");
                    rate.put(
                            "requests",
                            view.path("rate_limit_rpm").isNumber()
                                    ? view.path("rate_limit_rpm").asInt()
                                    : -1);
                    rate.put("interval", "1m");
                    rate.put("note", "requests per minute allowed for this key; -1 means no limit");
                    data.set("rate_limit_tpm", view.get("rate_limit_tpm"));
                    ObjectNode out = JSON.objectNode();
                    out.set("data", data);
                    return out;
                });
    }

    /** {@code GET /credits}: everything ever granted to the account and everything it spent, in USD. */
    public Uni<ObjectNode> credits(UUID accountId) {
        return pool.preparedQuery("SELECT total_granted_nanos, total_spent_nanos FROM auth.accounts WHERE id = $1")
                .execute(Tuple.of(accountId))
                .map(rows -> {
                    if (!rows.iterator().hasNext()) {
                        throw AuthException.notFound("account");
                    }
                    Row r = rows.iterator().next();
                    ObjectNode out = JSON.objectNode();
                    out.putObject("data")
                            .put("total_credits", Money.usd(r.getLong("total_granted_nanos")))
                            .put("total_usage", Money.usd(r.getLong("total_spent_nanos")));
                    return out;
                });
    }

    /**
     * Keys in OpenRouter's key shape, with usage per UTC day, week and month from the spend log.
     * Parameters $1..$4 are the account and the day / week / month starts; {@code filter} continues
     * the WHERE clause from $5 with {@code extra}.
     */
    private Uni<List<ObjectNode>> views(String filter, UUID accountId, Object... extra) {
        Instant now = Instant.now();
        LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
        LocalDate week = LocalDate.ofInstant(LimitPeriod.WEEKLY.start(now), ZoneOffset.UTC);
        LocalDate month = today.withDayOfMonth(1);
        String sql = """
                SELECT k.*,
                  (SELECT coalesce(sum(spent_nanos), 0) FROM auth.key_spend_days d WHERE d.key_id = k.id AND d.day = $2) AS day_nanos,
                  (SELECT coalesce(sum(spent_nanos), 0) FROM auth.key_spend_days d WHERE d.key_id = k.id AND d.day >= $3) AS week_nanos,
                  (SELECT coalesce(sum(spent_nanos), 0) FROM auth.key_spend_days d WHERE d.key_id = k.id AND d.day >= $4) AS month_nanos
                FROM auth.api_keys k WHERE k.deleted_at IS NULL AND k.account_id = $1 AND\s""" + filter;
        Tuple args = Tuple.tuple()
                .addUUID(accountId)
                .addLocalDate(today)
                .addLocalDate(week)
                .addLocalDate(month);
        for (Object value : extra) {
            args.addValue(value);
        }
        return pool.preparedQuery(sql).execute(args).map(rows -> {
            List<ObjectNode> out = new ArrayList<>();
            rows.forEach(r -> out.add(view(r, now)));
            return out;
        });
    }

    private static ObjectNode view(Row r, Instant now) {
        ObjectNode v = JSON.objectNode();
        LimitPeriod period = LimitPeriod.parse(r.getString("limit_reset"));
        Long limit = r.getLong("credit_limit_nanos");
        Instant periodStart = r.getOffsetDateTime("period_start").toInstant();
        long periodSpent = period.start(now).isAfter(periodStart) ? 0 : r.getLong("period_spent_nanos");
        v.put("hash", r.getUUID("id").toString());
        v.put("name", r.getString("label") == null ? "" : r.getString("label"));
        v.put("label", r.getString("display_prefix"));
        v.put("kind", r.getString("kind"));
        v.put("disabled", r.getBoolean("disabled"));
        if (limit == null) {
            v.putNull("limit");
            v.putNull("limit_remaining");
        } else {
            v.put("limit", Money.usd(limit));
            v.put("limit_remaining", Money.usd(Math.max(0, limit - periodSpent)));
        }
        if (period == LimitPeriod.NEVER) {
            v.putNull("limit_reset");
        } else {
            v.put("limit_reset", period.wireName());
        }
        v.put("include_byok_in_limit", false);
        v.put("usage", Money.usd(r.getLong("total_spent_nanos")));
        v.put("usage_daily", Money.usd(r.getLong("day_nanos")));
        v.put("usage_weekly", Money.usd(r.getLong("week_nanos")));
        v.put("usage_monthly", Money.usd(r.getLong("month_nanos")));
        for (String byok : List.of("byok_usage", "byok_usage_daily", "byok_usage_weekly", "byok_usage_monthly")) {
            v.put(byok, 0);
        }
        v.put("created_at", r.getOffsetDateTime("created_at").toInstant().toString());
        v.put("updated_at", r.getOffsetDateTime("updated_at").toInstant().toString());
        if (r.getOffsetDateTime("expires_at") == null) {
            v.putNull("expires_at");
        } else {
            v.put("expires_at", r.getOffsetDateTime("expires_at").toInstant().toString());
        }
        v.putNull("creator_user_id");
        v.put("workspace_id", "default");
        if (r.getInteger("rate_limit_rpm") == null) {
            v.putNull("rate_limit_rpm");
        } else {
            v.put("rate_limit_rpm", r.getInteger("rate_limit_rpm"));
        }
        if (r.getInteger("rate_limit_tpm") == null) {
            v.putNull("rate_limit_tpm");
        } else {
            v.put("rate_limit_tpm", r.getInteger("rate_limit_tpm"));
        }
        return v;
    }
}
