package dev.switchboard.analytics.rest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.analytics.config.AnalyticsConfig;
import dev.switchboard.analytics.query.Dashboard;
import dev.switchboard.analytics.query.Filters;
import dev.switchboard.analytics.query.Window;
import dev.switchboard.wire.ErrorResponse;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import java.time.Instant;
import java.util.function.Supplier;

/** What the account's and the operator's dashboard resources share: parameters in, JSON or a 4xx out. */
@ApplicationScoped
public class AnalyticsQueries {

    private final Dashboard dashboard;
    private final AnalyticsConfig config;

    public AnalyticsQueries(Dashboard dashboard, AnalyticsConfig config) {
        this.dashboard = dashboard;
        this.config = config;
    }

    public Window window(UriInfo uri) {
        return Window.parse(
                uri.getQueryParameters().getFirst("from"),
                uri.getQueryParameters().getFirst("to"),
                uri.getQueryParameters().getFirst("window"),
                config.maxWindow(),
                Instant.now());
    }

    public Filters filters(UriInfo uri, String account) {
        var q = uri.getQueryParameters();
        return new Filters(
                account,
                blankToNull(q.getFirst("model")),
                blankToNull(q.getFirst("provider")),
                blankToNull(q.getFirst("key")),
                blankToNull(q.getFirst("status")));
    }

    /** One panel's data: {@code generations}, {@code latency}, {@code reliability} or {@code spend}. */
    public Response view(String view, UriInfo uri, String account) {
        return answer(() -> {
            Window window = window(uri);
            Filters filters = filters(uri, account);
            return switch (view) {
                case "generations" -> dashboard.generations(window, filters, limit(uri));
                case "latency" -> dashboard.latency(window, filters);
                case "reliability" -> dashboard.reliability(window, filters);
                case "spend" -> dashboard.spend(window, filters);
                default ->
                    throw new NotFound("no dashboard view " + view + " (generations, latency, reliability, spend)");
            };
        });
    }

    /** Runs a query; a parameter the query refuses is a 400 with its message. */
    public static Response answer(Supplier<ObjectNode> query) {
        try {
            return Response.ok(query.get()).type(MediaType.APPLICATION_JSON).build();
        } catch (NotFound e) {
            return error(404, e.getMessage());
        } catch (IllegalArgumentException e) {
            return error(400, e.getMessage());
        }
    }

    public static Response error(int status, String message) {
        return Response.status(status)
                .type(MediaType.APPLICATION_JSON)
                .entity(ErrorResponse.of(status, message))
                .build();
    }

    private static int limit(UriInfo uri) {
        String value = uri.getQueryParameters().getFirst("limit");
        if (value == null || value.isBlank()) {
            return 50;
        }
        try {
            int limit = Integer.parseInt(value.strip());
            if (limit >= 1 && limit <= Dashboard.MAX_GENERATIONS) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // the message below
        }
        throw new IllegalArgumentException("limit must be a number from 1 to " + Dashboard.MAX_GENERATIONS);
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }

    /** A view or resource that does not exist. */
    static final class NotFound extends RuntimeException {
        NotFound(String message) {
            super(message);
        }
    }
}
