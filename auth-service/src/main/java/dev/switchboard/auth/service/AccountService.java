package dev.switchboard.auth.service;

import dev.switchboard.auth.repository.Account;
import dev.switchboard.auth.repository.ApiKey;
import dev.switchboard.auth.repository.CreditGrant;
import dev.switchboard.wire.AccountPreferences;
import dev.switchboard.wire.KeyClaims;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.hibernate.LockMode;
import org.hibernate.reactive.mutiny.Mutiny;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Accounts, their keys and credit top-ups (the admin API). */
@ApplicationScoped
public class AccountService {

    private final Mutiny.SessionFactory sessions;
    private final KeyCodec keys;

    public AccountService(Mutiny.SessionFactory sessions, KeyCodec keys) {
        this.sessions = sessions;
        this.keys = keys;
    }

    /** Creates an account; with an idempotency key, a repeated call answers the account created the first time. */
    public Uni<Account> create(String name, String idempotencyKey) {
        if (name == null || name.isBlank() || name.length() > 200) {
            return Uni.createFrom().failure(AuthException.badRequest("name is required (at most 200 characters)"));
        }
        return sessions.withTransaction(session -> {
            Uni<Account> existing = idempotencyKey == null
                    ? Uni.createFrom().nullItem()
                    : session.createSelectionQuery("from Account where idempotencyKey = :k", Account.class)
                            .setParameter("k", idempotencyKey)
                            .getSingleResultOrNull();
            return existing.chain(found -> {
                if (found != null) {
                    return Uni.createFrom().item(found);
                }
                Account account = new Account();
                account.id = UUID.randomUUID();
                account.name = name;
                account.idempotencyKey = idempotencyKey;
                account.createdAt = Instant.now();
                return session.persist(account).replaceWith(account);
            });
        });
    }

    public Uni<Account> get(UUID id) {
        return sessions.withSession(session -> session.find(Account.class, id))
                .onItem()
                .ifNull()
                .failWith(() -> AuthException.notFound("account"));
    }

    /** Adds credit once per idempotency key; answers the account after the grant. */
    public Uni<Account> grant(UUID accountId, long amountNanos, String idempotencyKey) {
        if (amountNanos <= 0) {
            return Uni.createFrom().failure(AuthException.badRequest("amount must be positive"));
        }
        if (idempotencyKey == null || idempotencyKey.isBlank() || idempotencyKey.length() > 200) {
            return Uni.createFrom()
                    .failure(
                            AuthException.badRequest("an Idempotency-Key header is required (at most 200 characters)"));
        }
        return sessions.withTransaction(session -> session.find(Account.class, accountId, LockMode.PESSIMISTIC_WRITE)
                .chain(account -> {
                    if (account == null) {
                        return Uni.createFrom().failure(AuthException.notFound("account"));
                    }
                    return session.find(CreditGrant.class, idempotencyKey).chain(previous -> {
                        if (previous != null) {
                            if (!previous.accountId.equals(accountId) || previous.amountNanos != amountNanos) {
                                return Uni.createFrom()
                                        .failure(new AuthException(
                                                409, "Idempotency-Key was already used for a different grant"));
                            }
                            return Uni.createFrom().item(account);
                        }
                        CreditGrant grant = new CreditGrant();
                        grant.idempotencyKey = idempotencyKey;
                        grant.accountId = accountId;
                        grant.amountNanos = amountNanos;
                        grant.createdAt = Instant.now();
                        // the row is locked, so incrementing the managed entity cannot lose a concurrent update
                        account.balanceNanos = Math.addExact(account.balanceNanos, amountNanos);
                        account.totalGrantedNanos = Math.addExact(account.totalGrantedNanos, amountNanos);
                        return session.persist(grant).replaceWith(account);
                    });
                }));
    }

    /** Replaces the account's preferences; every cached copy of its keys goes stale (their version changes). */
    public Uni<Account> setPreferences(UUID accountId, AccountPreferences preferences) {
        Preferences.validate(preferences);
        return sessions.withTransaction(session -> session.find(Account.class, accountId, LockMode.PESSIMISTIC_WRITE)
                .chain(account -> {
                    if (account == null) {
                        return Uni.createFrom().failure(AuthException.notFound("account"));
                    }
                    account.preferences = Preferences.write(preferences);
                    account.preferencesVersion++;
                    return Uni.createFrom().item(account);
                }));
    }

    /**
     * A new key; the returned {@code secret} is the only time the key is ever shown.
     *
     * @param changes   limits and names from the caller's body (may be null)
     * @param nameFirst true when the body must carry a {@code name} (the management API)
     */
    public Uni<IssuedKey> issueKey(UUID accountId, String kind, String label, KeyChanges changes, boolean nameFirst) {
        if (!KeyClaims.INFERENCE.equals(kind) && !KeyClaims.MANAGEMENT.equals(kind)) {
            return Uni.createFrom().failure(AuthException.badRequest("kind must be inference or management"));
        }
        if (label != null && label.length() > 200) {
            return Uni.createFrom().failure(AuthException.badRequest("label is at most 200 characters"));
        }
        String secret = keys.newKey(kind);
        return sessions.withTransaction(session -> session.find(Account.class, accountId)
                .chain(account -> {
                    if (account == null) {
                        return Uni.createFrom().failure(AuthException.notFound("account"));
                    }
                    ApiKey key = new ApiKey();
                    key.id = UUID.randomUUID();
                    key.accountId = accountId;
                    key.kind = kind;
                    key.keyHash = keys.hash(secret);
                    key.displayPrefix = keys.displayPrefix(secret);
                    key.label = label;
                    key.createdAt = Instant.now();
                    key.updatedAt = key.createdAt;
                    if (changes != null) {
                        changes.applyTo(key, nameFirst);
                    }
                    return session.persist(key).replaceWith(new IssuedKey(key, secret));
                }));
    }

    public Uni<List<ApiKey>> keys(UUID accountId) {
        return sessions.withSession(session -> session.find(Account.class, accountId)
                .chain(account -> {
                    if (account == null) {
                        return Uni.createFrom().failure(AuthException.notFound("account"));
                    }
                    return session.createSelectionQuery(
                                    "from ApiKey where accountId = :a order by createdAt", ApiKey.class)
                            .setParameter("a", accountId)
                            .getResultList();
                }));
    }

    public record IssuedKey(ApiKey key, String secret) {}
}
