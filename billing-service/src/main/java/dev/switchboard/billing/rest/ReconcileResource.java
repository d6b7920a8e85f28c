package dev.switchboard.billing.rest;

import dev.switchboard.billing.repository.LedgerWindow;
import dev.switchboard.wire.ErrorResponse;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.time.Instant;

/**
 * {@code GET /internal/v1/reconcile/ledger?from=&to=&after_generation=&after_sequence=&limit=}: a page
 * of the ledger entries of generations started in [from, to) (epoch milliseconds), for auth-service's
 * reconciliation. Service token required ({@code InternalEndpointsFilter}).
 */
@Path("/internal/v1/reconcile/ledger")
public class ReconcileResource {

    static final int MAX_LIMIT = 10_000;

    private final LedgerWindow window;

    public ReconcileResource(LedgerWindow window) {
        this.window = window;
    }

    @GET
    public Uni<Response> page(
            @QueryParam("from") Long from,
            @QueryParam("to") Long to,
            @QueryParam("after_generation") @DefaultValue("") String afterGeneration,
            @QueryParam("after_sequence") @DefaultValue("-1") int afterSequence,
            @QueryParam("limit") @DefaultValue("5000") int limit) {
        if (from == null || to == null || from >= to) {
            return Uni.createFrom().item(error("from and to (epoch milliseconds, from < to) are required"));
        }
        if (limit < 1 || limit > MAX_LIMIT) {
            return Uni.createFrom().item(error("limit must be between 1 and " + MAX_LIMIT));
        }
        return window.page(Instant.ofEpochMilli(from), Instant.ofEpochMilli(to), afterGeneration, afterSequence, limit)
                .map(page -> Response.ok(page).build());
    }

    private static Response error(String message) {
        return Response.status(400)
                .type(MediaType.APPLICATION_JSON)
                .entity(ErrorResponse.of(400, message))
                .build();
    }
}
