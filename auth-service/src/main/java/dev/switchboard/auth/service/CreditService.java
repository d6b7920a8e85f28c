package dev.switchboard.auth.service;

import dev.switchboard.auth.repository.CreditLedger;
import dev.switchboard.events.ChargeV1;
import dev.switchboard.wire.AuthContext;
import dev.switchboard.wire.AuthorizeRequest;
import dev.switchboard.wire.HoldExtension;
import dev.switchboard.wire.HoldFinishes;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
        if (request.holdNanos() < 0
                || request.generationId() == null
                || request.generationId().isBlank()
                || request.generationId().length() > 128) {
            return Uni.createFrom()
                    .failure(AuthException.badRequest("generationId and a non-negative holdNanos are required"));
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
        return leases.finish(holdId, costNanos)
                ? Uni.createFrom().voidItem()
                : Uni.createFrom().failure(AuthException.notFound("hold"));
    }

    /** Ends several holds at their costs; answers how many were open here (unknown ones and negative costs are skipped). */
    public Uni<Integer> finishAll(List<HoldFinishes.Item> items) {
        int n = 0;
        for (HoldFinishes.Item item : items) {
            if (item != null
                    && item.holdId() != null
                    && item.costNanos() >= 0
                    && leases.finish(item.holdId(), item.costNanos())) {
                n++;
            }
        }
        return Uni.createFrom().item(n);
    }

    /** Gives an open hold's credit back (the request never reached a provider); a hold already ended is left as it is. */
    public Uni<Void> release(String holdId) {
        leases.finish(holdId, 0);
        return Uni.createFrom().voidItem();
    }

    /** Applies a batch of charges in one transaction; answers how many were new (the rest were applied before). */
    public Uni<Integer> settleAll(List<ChargeV1> charges) {
        List<CreditLedger.Charge> batch = new ArrayList<>(charges.size());
        for (ChargeV1 charge : charges) {
            batch.add(new CreditLedger.Charge(
                    charge.chargeId(),
                    charge.holdId(),
                    CreditLeases.leaseOf(charge.holdId()),
                    UUID.fromString(charge.accountId()),
                    charge.keyId() == null ? null : UUID.fromString(charge.keyId()),
                    charge.costNanos()));
        }
        Map<String, ChargeV1> byId = new HashMap<>();
        charges.forEach(c -> byId.put(c.chargeId(), c));
        return ledger.settleAll(batch, Instant.now()).map(settled -> {
            for (CreditLedger.Charge ch : settled.applied()) {
                leases.charged(
                        ch.holdId(), ch.costNanos(), byId.get(ch.chargeId()).isFinal());
            }
            settled.debts().forEach(leases::inDebt);
            return settled.applied().size();
        });
    }
}
