package dev.switchboard.auth.service;

import dev.switchboard.auth.repository.CreditLedger;
import dev.switchboard.events.ChargeV1;
import dev.switchboard.wire.AuthContext;
import dev.switchboard.wire.AuthorizeRequest;
import dev.switchboard.wire.HoldExtension;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.UUID;

/**
 * Credit: authorize (check a key and reserve credit for one request), extend a reservation
 * mid-stream, finish it with its cost as the request ends (the rest is available again at once) or
 * release it, and settle it from charges (idempotent by charge id; a late charge is still debited).
 * Holds live in memory against leases ({@link CreditLeases}); charges are debited in PostgreSQL
 * ({@link CreditLedger}).
 */
@ApplicationScoped
public class CreditService {

    private final CreditLeases leases;
    private final CreditLedger ledger;

    public CreditService(CreditLeases leases, CreditLedger ledger) {
        this.leases = leases;
        this.ledger = ledger;
    }

    public Uni<AuthContext> authorize(AuthorizeRequest request) {
        if (request.holdNanos() < 0 || request.generationId() == null || request.generationId().isBlank() || request.generationId().length() > 128) {
            return Uni.createFrom().failure(AuthException.badRequest("generationId and a non-negative holdNanos are required"));
        }
        UUID keyId = null;
        if (request.keyId() != null) {
            try {
                keyId = UUID.fromString(request.keyId());
            } catch (IllegalArgumentException e) {
                return Uni.createFrom().failure(AuthException.invalidKey());
            }
        } else if (request.key() == null || request.key().isBlank()) {
            return Uni.createFrom().failure(AuthException.missingKey());
        }
        return leases.hold(new CreditLeases.KeyRef(keyId, request.key()), request.generationId(), request.holdNanos());
    }

    /** Adds {@code nanos} to an open hold, under the same account and key checks as the first reservation. */
    public Uni<HoldExtension> extend(String holdId, long nanos) {
        if (nanos <= 0) {
            return Uni.createFrom().failure(AuthException.badRequest("nanos must be positive"));
        }
        return leases.extend(holdId, nanos).map(total -> new HoldExtension(nanos, total));
    }

    /** Ends a hold at {@code costNanos}: the rest is available again at once. 404 when the hold is not open. */
    public Uni<Void> finish(String holdId, long costNanos) {
        if (costNanos < 0) {
            return Uni.createFrom().failure(AuthException.badRequest("costNanos must not be negative"));
        }
        return leases.finish(holdId, costNanos) ? Uni.createFrom().voidItem() : Uni.createFrom().failure(AuthException.notFound("hold"));
    }

    /** Gives an open hold's credit back (the request never reached a provider); a hold already ended is left as it is. */
    public Uni<Void> release(String holdId) {
        leases.finish(holdId, 0);
        return Uni.createFrom().voidItem();
    }

    /**
     * Applies a charge: debits its cost from the account and the key and takes it out of the hold's
     * lease. Answers false when the charge was applied before.
     */
    public Uni<Boolean> settle(ChargeV1 charge) {
        UUID accountId = UUID.fromString(charge.accountId());
        UUID keyId = charge.keyId() == null ? null : UUID.fromString(charge.keyId());
        return ledger.settle(charge.chargeId(), charge.holdId(), CreditLeases.leaseOf(charge.holdId()), accountId, keyId, charge.costNanos(),
                        Instant.now())
                .invoke(fresh -> {
                    if (fresh) {
                        leases.charged(charge.holdId(), charge.costNanos(), charge.isFinal());
                    }
                });
    }
}
