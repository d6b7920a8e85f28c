package dev.switchboard.auth.rest;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.switchboard.auth.repository.CreditLedger;
import dev.switchboard.auth.service.AuthException;
import dev.switchboard.auth.service.ReconcileService;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.UUID;

/**
 * The operator's money checks (admin token): {@code GET /admin/v1/reconcile?from=&to=&account_id=}
 * compares the ledger, the charges applied to balances and ClickHouse for generations started in
 * [from, to) (ISO-8601 instants), and {@code POST /admin/v1/leases/{id}/release} gives back what a
 * closed lease still reserves once reconciliation shows its charges will not come.
 */
@Path("/admin/v1")
public class ReconcileResource {

    private static final Logger LOG = Logger.getLogger(ReconcileResource.class);

    private final ReconcileService reconcile;
    private final CreditLedger ledger;

    public ReconcileResource(ReconcileService reconcile, CreditLedger ledger) {
        this.reconcile = reconcile;
        this.ledger = ledger;
    }

    @GET
    @Path("/reconcile")
    public Uni<ReconcileService.Report> reconcile(
            @QueryParam("from") String from, @QueryParam("to") String to, @QueryParam("account_id") String account) {
        return reconcile.reconcile(instant("from", from), instant("to", to), account == null ? null : uuid(account));
    }

    /** What a release gave back. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Released(String leaseId, String accountId, long releasedNanos) {}

    @POST
    @Path("/leases/{id}/release")
    public Uni<Released> release(@PathParam("id") String id) {
        return ledger.release(uuid(id)).map(lease -> {
            if (lease == null) {
                throw AuthException.notFound("closed lease");
            }
            LOG.infof(
                    "lease %s of account %s released by the operator: %d nano-USD given back",
                    lease.id(), lease.accountId(), lease.givenNanos());
            return new Released(lease.id().toString(), lease.accountId().toString(), lease.givenNanos());
        });
    }

    private static Instant instant(String name, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw AuthException.badRequest(name + " must be an ISO-8601 instant such as 2026-12-07T10:00:00Z");
        }
    }

    private static UUID uuid(String value) {
        try {
            return UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            throw AuthException.badRequest("not an id: " + value);
        }
    }
}
