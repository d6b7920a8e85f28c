package dev.switchboard.auth.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.auth.service.AuthException;
import dev.switchboard.auth.service.CreditService;
import dev.switchboard.auth.service.KeyChanges;
import dev.switchboard.auth.service.KeyService;
import dev.switchboard.wire.AuthContext;
import dev.switchboard.wire.AuthorizeRequest;
import dev.switchboard.wire.HoldExtension;
import dev.switchboard.wire.HoldFinish;
import dev.switchboard.wire.HoldFinishes;
import dev.switchboard.wire.KeyClaims;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import org.jboss.resteasy.reactive.ResponseStatus;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What other services call (service token required): the edge's key checks, credit holds and the
 * management API it serves on behalf of management keys (scoped by the account id the edge took
 * from the verified key), and the router's hold extensions.
 */
@Path("/internal/v1")
public class InternalResource {

    private final CreditService credit;
    private final KeyService keys;

    public InternalResource(CreditService credit, KeyService keys) {
        this.credit = credit;
        this.keys = keys;
    }

    @POST
    @Path("/authorize")
    public Uni<AuthContext> authorize(AuthorizeRequest request) {
        if (request == null) {
            return Uni.createFrom().failure(AuthException.badRequest("body is required"));
        }
        return credit.authorize(request);
    }

    @POST
    @Path("/keys/verify")
    public Uni<KeyClaims> verify(KeyClaims.Verify request) {
        return keys.verify(request == null ? null : request.key());
    }

    /** The edge's consistency check: which of its cached keys are still valid, at which version. */
    @POST
    @Path("/keys/versions")
    public Uni<Map<String, Map<String, Long>>> versions(Versions request) {
        List<UUID> ids = request == null || request.ids() == null
                ? List.of()
                : request.ids().stream()
                        .limit(10_000)
                        .map(InternalResource::uuid)
                        .toList();
        return keys.versions(ids).map(v -> Map.of("versions", v));
    }

    @GET
    @Path("/keys/{keyId}")
    public Uni<ObjectNode> keyInfo(@PathParam("keyId") String keyId) {
        return keys.info(uuid(keyId));
    }

    @POST
    @Path("/holds/{id}/release")
    public Uni<Void> release(@PathParam("id") String holdId) {
        return credit.release(holdId);
    }

    /** The request ended at {@code costNanos}: the rest of its hold is available again. */
    @POST
    @Path("/holds/{id}/finish")
    public Uni<Void> finish(@PathParam("id") String holdId, HoldFinish request) {
        if (request == null) {
            return Uni.createFrom().failure(AuthException.badRequest("body is required"));
        }
        return credit.finish(holdId, request.costNanos());
    }

    /** Requests that ended, together (the router sends its finishes in small batches); answers how many holds were open here. */
    @POST
    @Path("/holds/finish")
    public Uni<Map<String, Integer>> finishAll(HoldFinishes request) {
        if (request == null) {
            return Uni.createFrom().failure(AuthException.badRequest("body is required"));
        }
        return credit.finishAll(request.holds()).map(n -> Map.of("finished", n));
    }

    @POST
    @Path("/holds/{id}/extend")
    public Uni<HoldExtension> extend(@PathParam("id") String holdId, HoldExtension request) {
        return credit.extend(holdId, request == null ? 0 : request.nanos());
    }

    @GET
    @Path("/accounts/{accountId}/credits")
    public Uni<ObjectNode> credits(@PathParam("accountId") String accountId) {
        return keys.credits(uuid(accountId));
    }

    @GET
    @Path("/accounts/{accountId}/keys")
    public Uni<ObjectNode> list(
            @PathParam("accountId") String accountId,
            @QueryParam("include_disabled") @DefaultValue("false") String includeDisabled,
            @QueryParam("offset") @DefaultValue("0") String offset) {
        int from;
        try {
            from = Integer.parseInt(offset);
        } catch (NumberFormatException e) {
            return Uni.createFrom().failure(AuthException.badRequest("offset must be a non-negative integer"));
        }
        return keys.list(uuid(accountId), "true".equalsIgnoreCase(includeDisabled), from)
                .map(list -> {
                    ObjectNode out = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
                    out.putArray("data").addAll(list);
                    return out;
                });
    }

    @POST
    @Path("/accounts/{accountId}/keys")
    @ResponseStatus(201)
    public Uni<ObjectNode> create(@PathParam("accountId") String accountId, JsonNode body) {
        return keys.create(uuid(accountId), KeyChanges.of(body));
    }

    @GET
    @Path("/accounts/{accountId}/keys/{keyId}")
    public Uni<ObjectNode> get(@PathParam("accountId") String accountId, @PathParam("keyId") String keyId) {
        return keys.get(uuid(accountId), uuid(keyId)).map(InternalResource::data);
    }

    @PATCH
    @Path("/accounts/{accountId}/keys/{keyId}")
    public Uni<ObjectNode> update(
            @PathParam("accountId") String accountId, @PathParam("keyId") String keyId, JsonNode body) {
        return keys.update(uuid(accountId), uuid(keyId), KeyChanges.of(body)).map(InternalResource::data);
    }

    @DELETE
    @Path("/accounts/{accountId}/keys/{keyId}")
    public Uni<Map<String, Boolean>> delete(
            @PathParam("accountId") String accountId, @PathParam("keyId") String keyId) {
        return keys.delete(uuid(accountId), uuid(keyId)).replaceWith(Map.of("deleted", true));
    }

    private static ObjectNode data(ObjectNode view) {
        ObjectNode out = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        out.set("data", view);
        return out;
    }

    static UUID uuid(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw AuthException.notFound("key");
        }
    }

    public record Versions(List<String> ids) {}
}
