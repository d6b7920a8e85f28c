package dev.switchboard.edge.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.catalog.Catalog;
import dev.switchboard.catalog.EndpointSpec;
import dev.switchboard.catalog.LiveCatalog;
import dev.switchboard.catalog.ModelSpec;
import dev.switchboard.catalog.Prices;
import dev.switchboard.catalog.Pricing;
import dev.switchboard.catalog.ProviderSpec;
import dev.switchboard.edge.dialect.JsonOut;
import dev.switchboard.edge.service.EdgeException;
import dev.switchboard.edge.service.HealthReader;
import dev.switchboard.events.health.HealthKeys;
import dev.switchboard.wire.Money;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * What can be called, in OpenRouter's shapes: {@code GET /models} (chat models),
 * {@code GET /embeddings/models}, {@code GET /models/{author}/{slug}/endpoints} (per provider: price,
 * limits, status, uptime and latency from the health prober) and {@code GET /providers}. Public, like
 * OpenRouter's listings; prices are USD per token as decimal strings.
 */
@ApplicationScoped
public class ModelsRoutes {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private final LiveCatalog catalog;
    private final HealthReader health;

    public ModelsRoutes(LiveCatalog catalog, HealthReader health) {
        this.catalog = catalog;
        this.health = health;
    }

    void register(@Observes Router router, PublicApi api) {
        api.get(
                router,
                "/models",
                PublicApi.Doc.of("Chat models with prices and parameters", "public", 200),
                ctx -> json(ctx, list(false)));
        api.get(
                router,
                "/embeddings/models",
                PublicApi.Doc.of("Embedding models", "public", 200),
                ctx -> json(ctx, list(true)));
        api.get(
                router,
                "/models/:author/:slug/endpoints",
                PublicApi.Doc.of("A model's endpoints: price, limits, status, uptime, latency", "public", 200, 404),
                this::endpoints);
        api.get(router, "/providers", PublicApi.Doc.of("Providers", "public", 200), ctx -> json(ctx, providers()));
    }

    private ObjectNode list(boolean embeddings) {
        ObjectNode out = JSON.objectNode().put("object", "list");
        ArrayNode data = out.putArray("data");
        catalog.current().models().stream()
                .filter(m -> m.isEmbedding() == embeddings)
                .sorted(Comparator.comparing(ModelSpec::id))
                .forEach(m -> data.add(model(m)));
        out.put("total_count", data.size());
        out.putObject("links").putNull("next");
        return out;
    }

    private ObjectNode model(ModelSpec m) {
        // object and owned_by make the listing OpenAI's too (its SDKs list models with them)
        ObjectNode node = JSON.objectNode()
                .put("id", m.id())
                .put("object", "model")
                .put("owned_by", m.id().substring(0, m.id().indexOf('/')))
                .put("canonical_slug", m.id())
                .put("name", m.name())
                .put("created", m.created().atStartOfDay(ZoneOffset.UTC).toEpochSecond())
                .put("description", m.description())
                .put("context_length", m.contextLength());
        node.set("architecture", architecture(m));
        // a model's listed price is its cheapest endpoint's, as OpenRouter lists it
        EndpointSpec cheapest = m.endpoints().stream()
                .min(Comparator.comparingLong(
                        e -> e.prices().promptPico() + e.prices().completionPico()))
                .orElseThrow();
        node.set("pricing", pricing(cheapest.prices()));
        ObjectNode top = node.putObject("top_provider")
                .put("context_length", cheapest.contextLength())
                .put("is_moderated", false);
        if (m.isEmbedding()) {
            top.putNull("max_completion_tokens");
        } else {
            top.put(
                    "max_completion_tokens",
                    m.endpoints().stream()
                            .mapToInt(EndpointSpec::maxOutputTokens)
                            .max()
                            .orElse(0));
        }
        node.putNull("per_request_limits");
        ArrayNode parameters = node.putArray("supported_parameters");
        m.supportedParameters().forEach(parameters::add);
        node.putNull("default_parameters");
        node.putNull("supported_voices");
        node.putNull("hugging_face_id");
        node.putObject("links").put("details", "/api/v1/models/" + m.id() + "/endpoints");
        return node;
    }

    private static ObjectNode architecture(ModelSpec m) {
        ObjectNode a = JSON.objectNode();
        ArrayNode in = a.putArray("input_modalities");
        m.inputModalities().forEach(in::add);
        ArrayNode outModalities = a.putArray("output_modalities");
        m.outputModalities().forEach(outModalities::add);
        a.put("modality", String.join("+", m.inputModalities()) + "->" + String.join("+", m.outputModalities()));
        a.put("tokenizer", m.tokenizer());
        a.putNull("instruct_type");
        return a;
    }

    private static ObjectNode pricing(Prices p) {
        return JSON.objectNode()
                .put("prompt", Pricing.usdPerToken(p.promptPico()))
                .put("completion", Pricing.usdPerToken(p.completionPico()))
                .put("input_cache_read", Pricing.usdPerToken(p.cachedPromptPico()))
                .put("internal_reasoning", Pricing.usdPerToken(p.reasoningPico()))
                .put("request", Money.usd(p.requestNanos()).toPlainString())
                .put("image", Money.usd(p.imageNanos()).toPlainString());
    }

    private void endpoints(RoutingContext ctx) {
        String id = ctx.pathParam("author") + "/" + ctx.pathParam("slug");
        Catalog current = catalog.current();
        ModelSpec m = current.model(id)
                .orElseThrow(() -> new EdgeException(404, "Model " + id + " is not available", Map.of("model", id)));
        List<String> keys = new ArrayList<>();
        for (EndpointSpec e : m.endpoints()) {
            keys.add(HealthKeys.status(e.provider()));
            keys.add(HealthKeys.stats(e.id()));
        }
        health.read(keys)
                .onSuccess(found -> {
                    ObjectNode out = JSON.objectNode();
                    ObjectNode data = out.putObject("data")
                            .put("id", m.id())
                            .put("name", m.name())
                            .put(
                                    "created",
                                    m.created().atStartOfDay(ZoneOffset.UTC).toEpochSecond())
                            .put("description", m.description());
                    data.set("architecture", architecture(m));
                    ArrayNode list = data.putArray("endpoints");
                    for (EndpointSpec e : m.endpoints()) {
                        ProviderSpec provider = current.requireProvider(e.provider());
                        JsonNode status = found.get(HealthKeys.status(e.provider()));
                        JsonNode stats = found.get(HealthKeys.stats(e.id()));
                        ObjectNode ep = list.addObject()
                                .put("name", provider.displayName() + " | " + e.upstreamModel())
                                .put("model_id", m.id())
                                .put("model_name", m.name())
                                .put("context_length", e.contextLength());
                        ep.set("pricing", pricing(e.prices()));
                        ep.put("provider_name", provider.displayName()).put("tag", e.provider());
                        if (e.quantization() == null) {
                            ep.putNull("quantization");
                        } else {
                            ep.put("quantization", e.quantization());
                        }
                        if (m.isEmbedding()) {
                            ep.putNull("max_completion_tokens");
                        } else {
                            ep.put("max_completion_tokens", e.maxOutputTokens());
                        }
                        ep.putNull("max_prompt_tokens");
                        ArrayNode parameters = ep.putArray("supported_parameters");
                        m.supportedParameters().forEach(parameters::add);
                        ep.put("status", status(status));
                        uptime(ep, "uptime_last_5m", stats, "last_5m");
                        uptime(ep, "uptime_last_30m", stats, "last_30m");
                        uptime(ep, "uptime_last_1d", stats, "last_1d");
                        ep.put("supports_implicit_caching", false);
                        JsonNode window = stats == null ? null : stats.path("last_30m");
                        if (window != null && window.path("p50_ms").isNumber()) {
                            ObjectNode latency = ep.putObject("latency_last_30m");
                            latency.put("p50", window.path("p50_ms").asDouble());
                            latency.put(
                                    "p75",
                                    window.path("p95_ms")
                                            .asDouble(window.path("p50_ms").asDouble()));
                            latency.put(
                                    "p90",
                                    window.path("p95_ms")
                                            .asDouble(window.path("p50_ms").asDouble()));
                            latency.put(
                                    "p99",
                                    window.path("p95_ms")
                                            .asDouble(window.path("p50_ms").asDouble()));
                        } else {
                            ep.putNull("latency_last_30m");
                        }
                        if (window != null && window.path("tokens_per_second").isNumber()) {
                            // the routers measure a mean rate, not a distribution: every percentile shows it
                            double tps = window.path("tokens_per_second").asDouble();
                            ep.putObject("throughput_last_30m")
                                    .put("p50", tps)
                                    .put("p75", tps)
                                    .put("p90", tps)
                                    .put("p99", tps);
                        } else {
                            ep.putNull("throughput_last_30m");
                        }
                    }
                    json(ctx, out);
                })
                .onFailure(ctx::fail);
    }

    /** OpenRouter's endpoint status codes: 0 serving, -1 degraded, -2 down. */
    private static int status(JsonNode status) {
        if (status == null) {
            return 0;
        }
        return switch (status.path("state").asText("")) {
            case "degraded" -> -1;
            case "down" -> -2;
            default -> 0;
        };
    }

    private static void uptime(ObjectNode ep, String field, JsonNode stats, String window) {
        JsonNode uptime = stats == null ? null : stats.path(window).path("uptime");
        if (uptime != null && uptime.isNumber()) {
            ep.put(field, Math.round(uptime.asDouble() * 10000) / 100.0);
        } else {
            ep.putNull(field);
        }
    }

    private ObjectNode providers() {
        ObjectNode out = JSON.objectNode();
        ArrayNode data = out.putArray("data");
        catalog.current().providers().stream()
                .sorted(Comparator.comparing(ProviderSpec::name))
                .forEach(p -> data.addObject()
                        .put("name", p.displayName())
                        .put("slug", p.name())
                        .putNull("privacy_policy_url")
                        .putNull("terms_of_service_url")
                        .putNull("status_page_url")
                        .set("rate_limits", rateLimits(p.rateLimits())));
        return out;
    }

    /** The provider's published limits (Switchboard's extension of the providers list); null when unpublished. */
    private static JsonNode rateLimits(ProviderSpec.RateLimits limits) {
        if (!limits.published()) {
            return JSON.nullNode();
        }
        ObjectNode out = JSON.objectNode();
        if (limits.requestsPerMinute() > 0) {
            out.put("requests_per_minute", limits.requestsPerMinute());
        }
        if (limits.tokensPerMinute() > 0) {
            out.put("tokens_per_minute", limits.tokensPerMinute());
        }
        return out;
    }

    private static void json(RoutingContext ctx, ObjectNode body) {
        ctx.response().putHeader("Content-Type", "application/json").end(JsonOut.write(body));
    }
}
