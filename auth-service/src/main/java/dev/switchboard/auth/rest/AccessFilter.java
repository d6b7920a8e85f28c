package dev.switchboard.auth.rest;

import dev.switchboard.auth.config.AuthConfig;
import dev.switchboard.wire.ErrorResponse;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * The admin API needs the admin token, compared in constant time. (Internal endpoints need the
 * service credential: {@code dev.switchboard.internal.InternalEndpointsFilter}.)
 */
public class AccessFilter {

    private final byte[] adminBearer;

    public AccessFilter(AuthConfig auth) {
        this.adminBearer = ("Bearer " + auth.adminToken()).getBytes(StandardCharsets.UTF_8);
    }

    @ServerRequestFilter(preMatching = true)
    public Response check(ContainerRequestContext request) {
        String path = request.getUriInfo().getPath();
        if (path.startsWith("/admin/")) {
            return matches(request.getHeaderString("Authorization"), adminBearer)
                    ? null
                    : deny(401, "missing or invalid admin token");
        }
        return null;
    }

    private static boolean matches(String presented, byte[] expected) {
        return presented != null && MessageDigest.isEqual(presented.getBytes(StandardCharsets.UTF_8), expected);
    }

    private static Response deny(int status, String message) {
        return Response.status(status)
                .type(MediaType.APPLICATION_JSON)
                .entity(ErrorResponse.of(status, message))
                .build();
    }
}
