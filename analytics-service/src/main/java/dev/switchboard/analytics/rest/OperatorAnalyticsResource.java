package dev.switchboard.analytics.rest;

import dev.switchboard.analytics.query.Filters;
import dev.switchboard.analytics.query.Statistics;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

/**
 * The operator's analytics, behind the admin token ({@link AdminAccessFilter}):
 * {@code GET /admin/v1/statistics} (per provider and model: latency and TTFT quantiles, throughput,
 * error and fallback rates, uptime) and {@code GET /admin/v1/dashboard/{view}} over every account
 * (or one, with {@code account_id}). Runs on a worker thread.
 */
@Path("/admin/v1")
public class OperatorAnalyticsResource {

    private final Statistics statistics;
    private final AnalyticsQueries queries;

    public OperatorAnalyticsResource(Statistics statistics, AnalyticsQueries queries) {
        this.statistics = statistics;
        this.queries = queries;
    }

    @GET
    @Path("/statistics")
    public Response statistics(@Context UriInfo uri) {
        return AnalyticsQueries.answer(() -> {
            Filters asked = queries.filters(uri, null);
            return statistics.of(queries.window(uri), new Filters(null, asked.model(), asked.provider(), null, null));
        });
    }

    @GET
    @Path("/dashboard/{view}")
    public Response dashboard(
            @PathParam("view") String view, @QueryParam("account_id") String account, @Context UriInfo uri) {
        return queries.view(view, uri, account == null || account.isBlank() ? null : account.strip());
    }
}
