package dev.switchboard.analytics.rest;

import dev.switchboard.analytics.config.AnalyticsConfig;
import dev.switchboard.wire.AcceptedSecrets;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/** The operator's API ({@code /admin/}) needs the admin token (or one also accepted while it is rotated). */
public class AdminAccessFilter {

    private final AcceptedSecrets adminBearers;

    public AdminAccessFilter(AnalyticsConfig config) {
        this.adminBearers = AcceptedSecrets.bearers(config.adminToken(), config.adminTokenAlsoAccepted());
    }

    @ServerRequestFilter(preMatching = true)
    public Response check(ContainerRequestContext request) {
        if (request.getUriInfo().getPath().startsWith("/admin/")
                && !adminBearers.accepts(request.getHeaderString("Authorization"))) {
            return AnalyticsQueries.error(401, "missing or invalid admin token");
        }
        return null;
    }
}
