package dev.switchboard.internal;

import dev.switchboard.wire.ErrorResponse;
import dev.switchboard.wire.ServiceToken;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Every JAX-RS request under {@code /internal/} needs the service credential, whichever resource
 * serves it: a request without it is answered 401 in the public error shape before any resource
 * runs. Registered in every service with Quarkus REST (auth, billing, analytics); the router's
 * Vert.x routes check {@link ServiceCredentials} themselves.
 */
public class InternalEndpointsFilter {

    public static final String PREFIX = "/internal/";

    private final ServiceCredentials credentials;

    public InternalEndpointsFilter(ServiceCredentials credentials) {
        this.credentials = credentials;
    }

    @ServerRequestFilter(preMatching = true)
    public Response check(ContainerRequestContext request) {
        if (!request.getUriInfo().getPath().startsWith(PREFIX)
                || credentials.accepts(request.getHeaderString(ServiceToken.HEADER))) {
            return null;
        }
        return Response.status(401)
                .type(MediaType.APPLICATION_JSON)
                .entity(ErrorResponse.of(401, "missing or invalid service token"))
                .build();
    }
}
