package dev.switchboard.auth.rest;

import dev.switchboard.auth.config.AuthConfig;
import dev.switchboard.wire.ErrorResponse;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

/**
 * The admin API needs the admin token (or one also accepted while it is rotated), compared in
 * constant time. (Internal endpoints need the service credential:
 * {@code dev.switchboard.internal.InternalEndpointsFilter}.)
 */
public class AccessFilter {

    private final List<byte[]> adminBearers;

    public AccessFilter(AuthConfig auth) {
        List<byte[]> bearers = new ArrayList<>();
        bearers.add(("Bearer " + auth.adminToken()).getBytes(StandardCharsets.UTF_8));
        for (String other : auth.adminTokenAlsoAccepted().orElse(List.of())) {
            if (!other.isBlank()) {
                bearers.add(("Bearer " + other.strip()).getBytes(StandardCharsets.UTF_8));
            }
        }
        this.adminBearers = List.copyOf(bearers);
    }

    @ServerRequestFilter(preMatching = true)
    public Response check(ContainerRequestContext request) {
        String path = request.getUriInfo().getPath();
        if (path.startsWith("/admin/")) {
            return matches(request.getHeaderString("Authorization"), adminBearers)
                    ? null
                    : deny(401, "missing or invalid admin token");
        }
        return null;
    }

    private static boolean matches(String presented, List<byte[]> accepted) {
        if (presented == null) {
            return false;
        }
        byte[] bytes = presented.getBytes(StandardCharsets.UTF_8);
        boolean matched = false;
        for (byte[] expected : accepted) {
            // no early exit: the time taken does not say which token matched
            matched |= MessageDigest.isEqual(bytes, expected);
        }
        return matched;
    }

    private static Response deny(int status, String message) {
        return Response.status(status)
                .type(MediaType.APPLICATION_JSON)
                .entity(ErrorResponse.of(status, message))
                .build();
    }
}
