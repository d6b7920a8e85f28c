package dev.switchboard.auth.rest;

import dev.switchboard.auth.config.AuthConfig;
import dev.switchboard.internal.ServiceCredentials;
import dev.switchboard.wire.ErrorResponse;
import dev.switchboard.wire.ServiceToken;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Internal endpoints need the shared service token; the admin API needs the admin token.
 * Tokens are compared in constant time.
 */
public class AccessFilter {

    private final ServiceCredentials credentials;
    private final byte[] adminBearer;

    public AccessFilter(ServiceCredentials credentials, AuthConfig auth) {
        this.credentials = credentials;
        this.adminBearer = ("Bearer " + auth.adminToken()).getBytes(StandardCharsets.UTF_8);
    }

    @ServerRequestFilter(preMatching = true)
    public Response check(ContainerRequestContext request) {
        String path = request.getUriInfo().getPath();
        if (path.startsWith("/internal/")) {
            return credentials.accepts(request.getHeaderString(ServiceToken.HEADER))
                    ? null
                    : deny(401, "missing or invalid service token");
        }
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
