package dev.switchboard.analytics.rest;

import com.clickhouse.client.api.query.GenericRecord;
import dev.switchboard.analytics.clickhouse.ClickHouseStore;
import dev.switchboard.wire.ErrorResponse;
import dev.switchboard.wire.Reconciliation.ChargeItem;
import dev.switchboard.wire.Reconciliation.GenerationItem;
import dev.switchboard.wire.Reconciliation.GenerationPage;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /internal/v1/reconcile/generations?from=&to=&after=&limit=}: a page of the generations
 * ClickHouse recorded as started in [from, to) (epoch milliseconds), by id, each with its charges,
 * for auth-service's reconciliation. Service token required ({@code InternalEndpointsFilter}). Runs
 * on a worker thread.
 */
@Path("/internal/v1/reconcile/generations")
public class ReconcileResource {

    static final int MAX_LIMIT = 10_000;

    private static final String PAGE = """
            SELECT id, account_id FROM generations FINAL
            WHERE started_at >= fromUnixTimestamp64Milli({from:Int64}, 'UTC') AND started_at < fromUnixTimestamp64Milli({to:Int64}, 'UTC')
              AND id > {after:String}
            ORDER BY id LIMIT {limit:UInt32}""";

    /** The charges of the page's generations (the page query again, as a subquery: no id list to pass). */
    private static final String CHARGES = "SELECT generation_id, sequence, cost_nanos FROM charges FINAL"
            + " WHERE generation_id IN (SELECT id FROM (" + PAGE + ")) ORDER BY generation_id, sequence";

    private final ClickHouseStore store;

    public ReconcileResource(ClickHouseStore store) {
        this.store = store;
    }

    @GET
    public Response page(
            @QueryParam("from") Long from,
            @QueryParam("to") Long to,
            @QueryParam("after") @DefaultValue("") String after,
            @QueryParam("limit") @DefaultValue("5000") int limit) {
        if (from == null || to == null || from >= to) {
            return error("from and to (epoch milliseconds, from < to) are required");
        }
        if (limit < 1 || limit > MAX_LIMIT) {
            return error("limit must be between 1 and " + MAX_LIMIT);
        }
        Map<String, Object> window = Map.of("from", from, "to", to, "after", after, "limit", limit);
        Map<String, String> accounts = new LinkedHashMap<>();
        for (GenericRecord r : store.query(PAGE, window)) {
            accounts.put(r.getString("id"), r.getString("account_id"));
        }
        Map<String, List<ChargeItem>> charges = new LinkedHashMap<>();
        if (!accounts.isEmpty()) {
            for (GenericRecord r : store.query(CHARGES, window)) {
                charges.computeIfAbsent(r.getString("generation_id"), g -> new ArrayList<>())
                        .add(new ChargeItem((int) r.getLong("sequence"), r.getLong("cost_nanos")));
            }
        }
        List<GenerationItem> out = new ArrayList<>(accounts.size());
        accounts.forEach((id, account) -> out.add(new GenerationItem(id, account, charges.get(id))));
        return Response.ok(new GenerationPage(out)).build();
    }

    private static Response error(String message) {
        return Response.status(400)
                .type(MediaType.APPLICATION_JSON)
                .entity(ErrorResponse.of(400, message))
                .build();
    }
}
