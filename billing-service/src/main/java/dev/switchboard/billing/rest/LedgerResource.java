package dev.switchboard.billing.rest;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.switchboard.billing.repository.LedgerEntry;
import dev.switchboard.billing.service.BillingService;
import dev.switchboard.wire.ErrorResponse;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.time.Instant;

/** {@code GET /internal/v1/ledger/{generationId}}: the final ledger entry of a generation. Service token required. */
@Path("/internal/v1/ledger")
public class LedgerResource {

    private final BillingService billing;

    public LedgerResource(BillingService billing) {
        this.billing = billing;
    }

    /** The service credential is checked before this runs ({@code InternalEndpointsFilter}). */
    @GET
    @Path("/{generationId}")
    public Uni<Response> get(@PathParam("generationId") String generationId) {
        return billing.find(generationId, 0)
                .map(entry -> entry == null
                        ? error(404, "no ledger entry for " + generationId)
                        : Response.ok(View.of(entry)).build());
    }

    private static Response error(int status, String message) {
        return Response.status(status)
                .type(MediaType.APPLICATION_JSON)
                .entity(ErrorResponse.of(status, message))
                .build();
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record View(
            String generationId,
            int sequence,
            String accountId,
            String model,
            String provider,
            String status,
            int promptTokens,
            int completionTokens,
            int images,
            long costNanos,
            String waivedReason,
            String usageSource,
            Instant pricedAt) {
        static View of(LedgerEntry e) {
            return new View(
                    e.id.generationId,
                    e.id.sequence,
                    e.accountId.toString(),
                    e.model,
                    e.provider,
                    e.status,
                    e.promptTokens,
                    e.completionTokens,
                    e.images,
                    e.costNanos,
                    e.waivedReason,
                    e.usageSource,
                    e.pricedAt);
        }
    }
}
