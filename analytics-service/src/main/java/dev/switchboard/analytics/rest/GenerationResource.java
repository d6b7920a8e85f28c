package dev.switchboard.analytics.rest;

import com.clickhouse.client.api.query.GenericRecord;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.analytics.clickhouse.ClickHouseStore;
import dev.switchboard.analytics.query.JsonFields;
import dev.switchboard.analytics.query.ProviderNames;
import dev.switchboard.wire.ErrorResponse;
import dev.switchboard.wire.Money;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code GET /internal/v1/generation?id=&account_id=}: one generation in OpenRouter's
 * {@code /generation} shape, read from ClickHouse, only for the account that made it. The edge
 * calls this after checking the caller's key. Service token required. Runs on a worker thread.
 */
@Path("/internal/v1/generation")
public class GenerationResource {

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_.:-]{1,128}");
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final String QUERY = """
            SELECT g.id AS id, g.model AS model, g.provider AS provider, g.status AS status, g.finish_reason AS finish_reason,
                   g.streamed AS streamed, g.prompt_tokens AS prompt_tokens, g.completion_tokens AS completion_tokens,
                   g.cached_prompt_tokens AS cached_prompt_tokens, g.reasoning_tokens AS reasoning_tokens,
                   g.usage_source AS usage_source, g.attempts_json AS attempts_json, g.latency_ms AS latency_ms,
                   ifNull(g.ttft_ms, 0) AS ttft_ms, g.started_at AS started_at, g.images AS images,
                   g.app_referer AS app_referer, g.app_title AS app_title, g.user AS user,
                   c.cost AS cost_nanos, c.charges AS charges
            FROM (SELECT * FROM generations FINAL WHERE account_id = {account:String} AND id = {id:String}) AS g
            LEFT JOIN (SELECT generation_id, sum(cost_nanos) AS cost, count() AS charges FROM charges FINAL
                       WHERE account_id = {account:String} AND generation_id = {id:String} GROUP BY generation_id) AS c
                ON c.generation_id = g.id""";

    private final ClickHouseStore store;
    private final ProviderNames names;

    public GenerationResource(ClickHouseStore store, ProviderNames names) {
        this.store = store;
        this.names = names;
    }

    /** The service credential is checked before this runs ({@code InternalEndpointsFilter}). */
    @GET
    public Response get(@QueryParam("id") String id, @QueryParam("account_id") String accountId) {
        if (id == null || !ID.matcher(id).matches()) {
            return error(400, "id must be a generation id (letters, digits, '_', '.', ':', '-'; at most 128)");
        }
        if (accountId == null || !ID.matcher(accountId).matches()) {
            return error(400, "account_id is required");
        }
        List<GenericRecord> rows = store.query(QUERY, Map.of("id", id, "account", accountId));
        if (rows.isEmpty()) {
            return error(404, "Generation " + id + " not found");
        }
        return Response.ok(JSON.createObjectNode().set("data", view(rows.getFirst())))
                .build();
    }

    private ObjectNode view(GenericRecord r) {
        long charges = r.getLong("charges");
        long costNanos = charges > 0 ? r.getLong("cost_nanos") : 0;
        String provider = r.getString("provider");
        ObjectNode data = JSON.createObjectNode();
        data.put("id", r.getString("id"));
        data.putNull("upstream_id");
        data.put("total_cost", Money.usd(costNanos));
        data.putNull("cache_discount");
        data.putNull("upstream_inference_cost");
        data.put("created_at", DateTimeFormatter.ISO_INSTANT.format(r.getInstant("started_at")));
        data.put("model", r.getString("model"));
        data.putNull("app_id");
        data.put("streamed", r.getBoolean("streamed"));
        data.put("cancelled", "cancelled".equals(r.getString("status")));
        data.put("provider_name", names.of(provider));
        data.put("latency", r.getLong("latency_ms"));
        data.putNull("moderation_latency");
        data.put("generation_time", r.getLong("latency_ms") - r.getLong("ttft_ms"));
        JsonFields.text(data, "finish_reason", r.getString("finish_reason"));
        data.putNull("service_tier");
        data.put("tokens_prompt", r.getLong("prompt_tokens"));
        data.put("tokens_completion", r.getLong("completion_tokens"));
        data.put("native_tokens_prompt", r.getLong("prompt_tokens"));
        data.put("native_tokens_completion", r.getLong("completion_tokens"));
        data.putNull("native_tokens_completion_images");
        data.put("native_tokens_reasoning", r.getLong("reasoning_tokens"));
        data.put("native_tokens_cached", r.getLong("cached_prompt_tokens"));
        data.put("num_media_prompt", r.getLong("images"));
        for (String absent : List.of(
                "num_input_audio_prompt",
                "num_media_completion",
                "num_search_results",
                "num_fetches",
                "web_search_engine",
                "preset_id",
                "router",
                "user_agent",
                "workspace_id")) {
            data.putNull(absent);
        }
        JsonFields.text(data, "native_finish_reason", r.getString("finish_reason"));
        // the client's attribution: OpenRouter's HTTP-Referer (as origin and http_referer) and the OpenAI user
        data.put("origin", r.getString("app_referer"));
        JsonFields.text(data, "http_referer", r.getString("app_referer"));
        JsonFields.text(data, "external_user", r.getString("user"));
        data.put("usage", Money.usd(costNanos));
        data.put("is_byok", false);
        data.put("api_type", "completions");
        data.set("provider_responses", providerResponses(r.getString("attempts_json")));
        data.put("data_region", "global");
        // Switchboard's own additions: the exact amount and where the token counts came from
        data.put("cost_nanos", costNanos);
        data.put("usage_source", r.getString("usage_source"));
        data.put("status", r.getString("status"));
        JsonFields.text(data, "app_title", r.getString("app_title"));
        return data;
    }

    private ArrayNode providerResponses(String attemptsJson) {
        ArrayNode out = JSON.createArrayNode();
        try {
            for (JsonNode attempt : JSON.readTree(attemptsJson)) {
                ObjectNode item = out.addObject();
                item.put("provider_name", names.of(attempt.path("provider").asText()));
                item.put("model_permaslug", attempt.path("model").asText());
                item.put(
                        "endpoint_id",
                        attempt.path("model").asText() + "@"
                                + attempt.path("provider").asText());
                item.put("is_byok", false);
                item.put("latency", attempt.path("latency_ms").asLong());
                if (attempt.hasNonNull("http_status")) {
                    item.put("status", attempt.path("http_status").asInt());
                }
            }
        } catch (Exception e) {
            // an unreadable attempts column leaves the list empty rather than failing the lookup
        }
        return out;
    }

    private static Response error(int status, String message) {
        return Response.status(status)
                .type(MediaType.APPLICATION_JSON)
                .entity(ErrorResponse.of(status, message))
                .build();
    }
}
