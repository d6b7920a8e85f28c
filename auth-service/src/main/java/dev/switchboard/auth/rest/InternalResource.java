package dev.switchboard.auth.rest;

import dev.switchboard.auth.service.CreditService;
import dev.switchboard.wire.AuthContext;
import dev.switchboard.wire.AuthorizeRequest;
import dev.switchboard.wire.KeyClaims;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;

/** The edge's calls: authorize (key check + credit hold), release a hold, verify a key. Service token required. */
@Path("/internal/v1")
public class InternalResource {

    private final CreditService credit;

    public InternalResource(CreditService credit) {
        this.credit = credit;
    }

    @POST
    @Path("/authorize")
    public Uni<AuthContext> authorize(AuthorizeRequest request) {
        return credit.authorize(request);
    }

    @POST
    @Path("/keys/verify")
    public Uni<KeyClaims> verify(KeyClaims.Verify request) {
        return credit.verify(request == null ? null : request.key());
    }

    @POST
    @Path("/holds/{id}/release")
    public Uni<Void> release(@PathParam("id") String holdId) {
        return credit.release(holdId);
    }
}
