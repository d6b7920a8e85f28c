package dev.switchboard.auth.service;

import dev.switchboard.auth.config.AuthConfig;
import dev.switchboard.auth.repository.CreditLedger;
import dev.switchboard.events.ChargeV1;
import dev.switchboard.wire.AuthContext;
import dev.switchboard.wire.AuthorizeRequest;
import dev.switchboard.wire.HoldExtension;
import dev.switchboard.wire.KeyClaims;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.UUID;

/**
 * Credit: authorize (check a key and reserve credit on its account and under its limit), extend a
 * reservation mid-stream, release it, and settle it from charges (idempotent by charge id; a late
 * charge is still debited). Each is one transaction in {@link CreditLedger}.
 */
@ApplicationScoped
public class CreditService {

    private static final Logger LOG = Logger.getLogger(CreditService.class);

    private final CreditLedger ledger;
    private final KeyCodec keys;
    private final AuthConfig config;

    public CreditService(CreditLedger ledger, KeyCodec keys, AuthConfig config) {
        this.ledger = ledger;
        this.keys = keys;
        this.config = config;
    }

    public Uni<AuthContext> authorize(AuthorizeRequest request) {
        if (request.holdNanos() < 0 || request.generationId() == null || request.generationId().isBlank() || request.generationId().length() > 128) {
            return Uni.createFrom().failure(AuthException.badRequest("generationId and a non-negative holdNanos are required"));
        }
        Instant now = Instant.now();
        return ledger.inTransaction(c -> lockUsableKey(c, request.key(), request.keyId(), now).chain(key -> {
            if (!KeyClaims.INFERENCE.equals(key.kind())) {
                return Uni.createFrom().failure(AuthException.forbidden("Management keys cannot call models"));
            }
            CreditLedger.checkKeyLimit(key, request.holdNanos(), now);
            return ledger.reserve(c, key, request.holdNanos(), now)
                    .chain(() -> ledger.insertHold(c, request.generationId(), key, request.holdNanos(), now, now.plus(config.holdTtl())))
                    .replaceWith(new AuthContext(key.accountId().toString(), key.id().toString(), request.generationId(),
                            request.holdNanos(), Preferences.parse(key.preferencesJson())));
        }));
    }

    /** Adds {@code nanos} to an open hold, under the same account and key checks as the first reservation. */
    public Uni<HoldExtension> extend(String holdId, long nanos) {
        if (nanos <= 0) {
            return Uni.createFrom().failure(AuthException.badRequest("nanos must be positive"));
        }
        Instant now = Instant.now();
        return ledger.inTransaction(c -> ledger.lockHold(c, holdId).chain(hold -> {
            if (hold == null) {
                return Uni.createFrom().failure(AuthException.notFound("hold"));
            }
            if (!hold.open()) {
                return Uni.createFrom().failure(new AuthException(409, "hold is " + hold.status()));
            }
            return ledger.lockKeyById(c, hold.keyId()).chain(key -> {
                Long maxCost = Preferences.parse(key.preferencesJson()).maxCostPerRequestNanos();
                if (maxCost != null && hold.amountNanos() + nanos > maxCost) {
                    return Uni.createFrom().failure(new AuthException(402, "The account's maximum cost per request is reached"));
                }
                CreditLedger.checkKeyLimit(key, nanos, now);
                return ledger.reserve(c, key, nanos, now)
                        .chain(() -> ledger.growHold(c, holdId, nanos))
                        .replaceWith(new HoldExtension(nanos, hold.amountNanos() + nanos));
            });
        }));
    }

    /** Gives an open hold's remaining credit back (the request never reached a provider). */
    public Uni<Void> release(String holdId) {
        Instant now = Instant.now();
        return ledger.inTransaction(c -> ledger.lockHold(c, holdId).chain(hold -> {
            if (hold == null) {
                return Uni.createFrom().failure(AuthException.notFound("hold"));
            }
            if (!hold.open()) {
                return Uni.createFrom().voidItem();
            }
            return ledger.releaseOnHold(c, hold, hold.remaining(), 0, "released")
                    .chain(() -> ledger.apply(c, hold.accountId(), hold.keyId(), hold.remaining(), 0, now));
        }));
    }

    /**
     * Applies a charge: debits its cost from the account and the key and gives back the matching
     * part of the hold (all of it on a final charge). Answers false when the charge was applied before.
     */
    public Uni<Boolean> settle(ChargeV1 charge) {
        UUID accountId = UUID.fromString(charge.accountId());
        UUID chargeKey = charge.keyId() == null ? null : UUID.fromString(charge.keyId());
        Instant now = Instant.now();
        return ledger.inTransaction(c -> ledger.recordCharge(c, charge.chargeId(), charge.holdId(), accountId, charge.costNanos())
                .chain(fresh -> {
                    if (!fresh) {
                        return Uni.createFrom().item(false);
                    }
                    Uni<CreditLedger.LockedHold> held = charge.holdId() == null ? Uni.createFrom().nullItem() : ledger.lockHold(c, charge.holdId());
                    return held.chain(hold -> {
                        long release = 0;
                        Uni<Void> closing = Uni.createFrom().voidItem();
                        if (hold == null && charge.holdId() != null) {
                            LOG.warnf("charge %s refers to unknown hold %s; debiting without a hold", charge.chargeId(), charge.holdId());
                        } else if (hold != null && hold.open()) {
                            release = charge.isFinal() ? hold.remaining() : Math.min(charge.costNanos(), hold.remaining());
                            closing = ledger.releaseOnHold(c, hold, release, charge.costNanos(), charge.isFinal() ? "settled" : null);
                        } else if (hold != null) {
                            closing = ledger.releaseOnHold(c, hold, 0, charge.costNanos(), null);
                        }
                        long released = release;
                        UUID keyId = hold != null ? hold.keyId() : chargeKey;
                        return closing.chain(() -> ledger.apply(c, accountId, keyId, released, charge.costNanos(), now)).replaceWith(true);
                    });
                }));
    }

    /** The key, locked for the transaction, refused when unknown, expired or disabled. */
    private Uni<CreditLedger.LockedKey> lockUsableKey(SqlConnection c, String secret, String keyId, Instant now) {
        Uni<CreditLedger.LockedKey> lookup;
        if (keyId != null) {
            UUID id;
            try {
                id = UUID.fromString(keyId);
            } catch (IllegalArgumentException e) {
                return Uni.createFrom().failure(AuthException.invalidKey());
            }
            lookup = ledger.lockKeyById(c, id);
        } else if (secret == null || secret.isBlank()) {
            return Uni.createFrom().failure(AuthException.missingKey());
        } else if (!keys.wellFormed(secret)) {
            return Uni.createFrom().failure(AuthException.invalidKey());
        } else {
            lookup = ledger.lockKeyByHash(c, keys.hash(secret));
        }
        return lookup.map(key -> {
            if (key == null || key.deleted()) {
                throw AuthException.invalidKey();
            }
            if (key.expiresAt() != null && !key.expiresAt().isAfter(now)) {
                throw new AuthException(401, "This API key has expired");
            }
            if (key.disabled()) {
                throw AuthException.forbidden("This API key is disabled");
            }
            return key;
        });
    }
}
