package dev.switchboard.auth.rest;

import dev.switchboard.auth.config.AuthConfig;
import dev.switchboard.wire.AcceptedSecrets;
import dev.switchboard.wire.ErrorResponse;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * The admin API needs the admin token (or one also accepted while it is rotated), compared in
 * constant time. (Internal endpoints need the service credential:
 * {@code dev.switchboard.internal.InternalEndpointsFilter}.)
 */
public class AccessFilter {

    private final AcceptedSecrets adminBearers;

    public AccessFilter(AuthConfig auth) {
        this.adminBearers = AcceptedSecrets.bearers(auth.adminToken(), auth.adminTokenAlsoAccepted());
    }

    @ServerRequestFilter(preMatching = true)
    public Response check(ContainerRequestContext request) {
        String path = request.getUriInfo().getPath();
        if (path.startsWith("/admin/")) {
            return adminBearers.accepts(request.getHeaderString("Authorization"))
                    ? null
                    : deny(401, "missing or invalid admin token");
        }
        return null;
    }

    private static Response deny(int status, String message) {
        return Response.status(status)
                .type(MediaType.APPLICATION_JSON)
                .entity(ErrorResponse.of(status, message))
                .build();
    }
}
