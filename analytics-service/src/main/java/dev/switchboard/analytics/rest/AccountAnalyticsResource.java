package dev.switchboard.analytics.rest;

import dev.switchboard.analytics.query.Activity;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.regex.Pattern;

/**
 * An account's analytics, called by the edge after it checked the caller's management key (the
 * account id is the verified one; service token required): {@code GET /internal/v1/activity} and
 * {@code GET /internal/v1/dashboard/{view}}. Runs on a worker thread.
 */
@Path("/internal/v1")
public class AccountAnalyticsResource {

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_.:-]{1,128}");

    private final Activity activity;
    private final AnalyticsQueries queries;

    public AccountAnalyticsResource(Activity activity, AnalyticsQueries queries) {
        this.activity = activity;
        this.queries = queries;
    }

    @GET
    @Path("/activity")
    public Response activity(
            @QueryParam("account_id") String account,
            @QueryParam("date") String date,
            @QueryParam("api_key_hash") String key) {
        if (account == null || !ID.matcher(account).matches()) {
            return AnalyticsQueries.error(400, "account_id is required");
        }
        return AnalyticsQueries.answer(() -> activity.of(
                account, date, key == null || key.isBlank() ? null : key.strip(), LocalDate.now(ZoneOffset.UTC)));
    }

    @GET
    @Path("/dashboard/{view}")
    public Response dashboard(
            @PathParam("view") String view, @QueryParam("account_id") String account, @Context UriInfo uri) {
        if (account == null || !ID.matcher(account).matches()) {
            return AnalyticsQueries.error(400, "account_id is required");
        }
        return queries.view(view, uri, account);
    }
}
