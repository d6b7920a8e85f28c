package dev.switchboard.auth.service;

import dev.switchboard.auth.config.AuthConfig;
import dev.switchboard.auth.repository.ApiKey;
import dev.switchboard.auth.repository.AppliedCharge;
import dev.switchboard.auth.repository.Hold;
import dev.switchboard.events.ChargeV1;
import dev.switchboard.wire.AuthContext;
import dev.switchboard.wire.AuthorizeRequest;
import dev.switchboard.wire.KeyClaims;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.hibernate.LockMode;
import org.hibernate.reactive.mutiny.Mutiny;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.UUID;

/**
 * Keys and credit: authorize (check a key and reserve credit with one conditional update),
 * release, and settle from charges (idempotent by charge id; a late charge is still applied).
 */
@ApplicationScoped
public class CreditService {

    private static final Logger LOG = Logger.getLogger(CreditService.class);

    private final Mutiny.SessionFactory sessions;
    private final KeyCodec keys;
    private final AuthConfig config;

    public CreditService(Mutiny.SessionFactory sessions, KeyCodec keys, AuthConfig config) {
        this.sessions = sessions;
        this.keys = keys;
        this.config = config;
    }

    public Uni<KeyClaims> verify(String key) {
        if (key == null || key.isBlank()) {
            return Uni.createFrom().failure(AuthException.missingKey());
        }
        if (!keys.wellFormed(key)) {
            return Uni.createFrom().failure(AuthException.invalidKey());
        }
        byte[] hash = keys.hash(key);
        return sessions.withSession(session -> findKey(session, hash))
                .map(k -> new KeyClaims(k.accountId.toString(), k.id.toString(), k.kind));
    }

    public Uni<AuthContext> authorize(AuthorizeRequest request) {
        if (request.key() == null || request.key().isBlank()) {
            return Uni.createFrom().failure(AuthException.missingKey());
        }
        if (!keys.wellFormed(request.key())) {
            return Uni.createFrom().failure(AuthException.invalidKey());
        }
        if (request.holdNanos() < 0 || request.generationId() == null || request.generationId().isBlank()) {
            return Uni.createFrom().failure(AuthException.badRequest("generationId and a non-negative holdNanos are required"));
        }
        byte[] hash = keys.hash(request.key());
        return sessions.withTransaction(session -> findKey(session, hash).chain(key -> {
            if (!KeyClaims.INFERENCE.equals(key.kind)) {
                return Uni.createFrom().failure(AuthException.forbidden("Management keys cannot call models"));
            }
            return session.createMutationQuery("""
                            update Account set heldNanos = heldNanos + :amount
                            where id = :id and balanceNanos - heldNanos >= :amount""")
                    .setParameter("amount", request.holdNanos())
                    .setParameter("id", key.accountId)
                    .executeUpdate()
                    .chain(updated -> {
                        if (updated == 0) {
                            return Uni.createFrom().failure(AuthException.insufficientCredit());
                        }
                        Hold hold = new Hold();
                        hold.id = request.generationId();
                        hold.accountId = key.accountId;
                        hold.keyId = key.id;
                        hold.amountNanos = request.holdNanos();
                        hold.status = Hold.OPEN;
                        Instant now = Instant.now();
                        hold.createdAt = now;
                        hold.expiresAt = now.plus(config.holdTtl());
                        return session.persist(hold)
                                .replaceWith(new AuthContext(key.accountId.toString(), key.id.toString(), hold.id, hold.amountNanos));
                    });
        }));
    }

    /** Gives an open hold's remaining credit back (the request never reached a provider). */
    public Uni<Void> release(String holdId) {
        return sessions.withTransaction(session -> session.find(Hold.class, holdId, LockMode.PESSIMISTIC_WRITE).chain(hold -> {
            if (hold == null) {
                return Uni.createFrom().failure(AuthException.notFound("hold"));
            }
            if (!hold.isOpen()) {
                return Uni.createFrom().voidItem();
            }
            return close(session, hold, Hold.RELEASED);
        }));
    }

    /**
     * Applies a charge: debits its cost and gives back the matching part of the hold (all of
     * it on a final charge). Returns false when the charge was applied before.
     */
    public Uni<Boolean> settle(ChargeV1 charge) {
        UUID accountId = UUID.fromString(charge.accountId());
        return sessions.withTransaction(session -> session.find(AppliedCharge.class, charge.chargeId()).chain(seen -> {
            if (seen != null) {
                return Uni.createFrom().item(false);
            }
            AppliedCharge applied = new AppliedCharge();
            applied.chargeId = charge.chargeId();
            applied.holdId = charge.holdId();
            applied.accountId = accountId;
            applied.costNanos = charge.costNanos();
            applied.appliedAt = Instant.now();
            Uni<Hold> hold = charge.holdId() == null ? Uni.createFrom().nullItem()
                    : session.find(Hold.class, charge.holdId(), LockMode.PESSIMISTIC_WRITE);
            return session.persist(applied).chain(() -> hold).chain(h -> {
                long release = 0;
                if (h != null) {
                    h.chargedNanos += charge.costNanos();
                    if (h.isOpen()) {
                        release = charge.isFinal() ? h.remainingNanos() : Math.min(charge.costNanos(), h.remainingNanos());
                        h.releasedNanos += release;
                        if (charge.isFinal()) {
                            h.status = Hold.SETTLED;
                            h.closedAt = Instant.now();
                        }
                    }
                } else {
                    LOG.warnf("charge %s refers to unknown hold %s; debiting without a hold", charge.chargeId(), charge.holdId());
                }
                return session.createMutationQuery("""
                                update Account set balanceNanos = balanceNanos - :cost, heldNanos = heldNanos - :release
                                where id = :id""")
                        .setParameter("cost", charge.costNanos())
                        .setParameter("release", release)
                        .setParameter("id", accountId)
                        .executeUpdate()
                        .replaceWith(true);
            });
        }));
    }

    private Uni<Void> close(Mutiny.Session session, Hold hold, String status) {
        long release = hold.remainingNanos();
        hold.releasedNanos = hold.amountNanos;
        hold.status = status;
        hold.closedAt = Instant.now();
        return session.createMutationQuery("update Account set heldNanos = heldNanos - :release where id = :id")
                .setParameter("release", release)
                .setParameter("id", hold.accountId)
                .executeUpdate()
                .replaceWithVoid();
    }

    private Uni<ApiKey> findKey(Mutiny.Session session, byte[] hash) {
        return session.createSelectionQuery("from ApiKey where keyHash = :hash", ApiKey.class)
                .setParameter("hash", hash)
                .getSingleResultOrNull()
                .onItem().ifNull().failWith(AuthException::invalidKey)
                .invoke(key -> {
                    if (key.disabled) {
                        throw AuthException.forbidden("This API key is disabled");
                    }
                });
    }
}
