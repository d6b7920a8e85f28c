package dev.switchboard.edge.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.catalog.EndpointSpec;
import dev.switchboard.catalog.LiveCatalog;
import dev.switchboard.catalog.ModelSpec;
import dev.switchboard.catalog.Pricing;
import dev.switchboard.edge.client.RouterEmbeddings;
import dev.switchboard.edge.config.EdgeConfig;
import dev.switchboard.edge.dialect.JsonBodies;
import dev.switchboard.edge.service.Authorizer;
import dev.switchboard.edge.service.EdgeException;
import dev.switchboard.edge.service.GenerationIds;
import dev.switchboard.wire.Attribution;
import dev.switchboard.wire.EmbeddingRequest;
import dev.switchboard.wire.EmbeddingResult;
import dev.switchboard.wire.Money;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static dev.switchboard.edge.dialect.JsonBodies.field;
import static dev.switchboard.edge.dialect.JsonBodies.requireString;

/**
 * {@code POST /embeddings} in OpenAI's shape: {@code input} as a string or an array of strings,
 * {@code dimensions}, {@code encoding_format} {@code float} or {@code base64} (little-endian float32,
 * what OpenAI's SDKs ask for by default).
 */
@ApplicationScoped
public class EmbeddingsRoute {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final int MAX_INPUTS = 2048;

    private final LiveCatalog catalog;
    private final Authorizer authorizer;
    private final RouterEmbeddings router;
    private final JsonBodies bodies;

    public EmbeddingsRoute(LiveCatalog catalog, Authorizer authorizer, RouterEmbeddings router, EdgeConfig config) {
        this.catalog = catalog;
        this.authorizer = authorizer;
        this.router = router;
        this.bodies = new JsonBodies(config.maxJsonDepth());
    }

    void register(@Observes Router router, PublicApi api) {
        api.post(
                router,
                "/embeddings",
                PublicApi.Doc.of(
                        "Embeddings (encoding_format float or base64)",
                        "inference key",
                        200,
                        400,
                        401,
                        402,
                        403,
                        404,
                        502,
                        503),
                this::handle);
    }

    private void handle(RoutingContext ctx) {
        String key = PublicApi.bearerKey(ctx);
        JsonNode root = bodies.object(ctx.body().buffer().getBytes());
        String modelId = requireString(root.path("model"), "model");
        ModelSpec model = catalog.current()
                .model(modelId)
                .orElseThrow(() ->
                        new EdgeException(404, "Model " + modelId + " is not available", Map.of("model", modelId)));
        if (!model.isEmbedding()) {
            throw new EdgeException(400, "Model " + modelId + " is not an embedding model", Map.of("model", modelId));
        }
        List<String> inputs = inputs(root.path("input"));
        Integer dimensions = JsonBodies.positiveInt(root, "dimensions");
        String format = root.hasNonNull("encoding_format")
                ? requireString(root.get("encoding_format"), "encoding_format")
                : "float";
        if (!"float".equals(format) && !"base64".equals(format)) {
            throw field("encoding_format", "must be float or base64");
        }
        String user = root.hasNonNull("user") ? requireString(root.get("user"), "user") : null;
        long bytes = inputs.stream()
                .mapToLong(s -> s.getBytes(StandardCharsets.UTF_8).length)
                .sum();
        long hold = model.endpoints().stream()
                .mapToLong(e -> worstCase(e, bytes))
                .max()
                .orElse(0);
        String generationId = GenerationIds.next();
        authorizer
                .inferenceClaims(key)
                .compose(claims -> authorizer.hold(claims, generationId, model.id(), hold))
                .compose(auth -> router.embed(new EmbeddingRequest.Routed(
                                generationId,
                                auth,
                                new EmbeddingRequest(List.of(model.id()), inputs, dimensions, user),
                                // OpenRouter's app attribution, recorded with the generation; never logged
                                Attribution.ofHeaders(ctx.request()::getHeader)))
                        .onFailure(e -> authorizer.releaseHold(auth.holdId())))
                .compose(result -> result.error() == null
                        ? Future.succeededFuture(result)
                        : Future.failedFuture(new EdgeException(
                                result.error().errorClass().httpStatus(),
                                result.error().message() == null
                                        ? "No provider could embed the input"
                                        : result.error().message())))
                .onSuccess(result -> respond(ctx, generationId, result, format))
                .onFailure(ctx::fail);
    }

    private static long worstCase(EndpointSpec endpoint, long bytes) {
        return Pricing.worstCaseNanos(endpoint.prices(), (int) Math.min(Integer.MAX_VALUE, bytes), 0);
    }

    private static List<String> inputs(JsonNode input) {
        List<String> out = new ArrayList<>();
        if (input.isTextual()) {
            out.add(input.asText());
        } else if (input.isArray() && !input.isEmpty()) {
            if (input.size() > MAX_INPUTS) {
                throw field("input", "has at most " + MAX_INPUTS + " items");
            }
            for (int i = 0; i < input.size(); i++) {
                out.add(requireString(input.get(i), "input[" + i + "]"));
            }
        } else {
            throw field(
                    "input",
                    input.isMissingNode() || input.isNull()
                            ? "is required"
                            : "must be a string or a non-empty array of strings");
        }
        for (int i = 0; i < out.size(); i++) {
            if (out.get(i).isEmpty()) {
                throw field("input[" + i + "]", "must not be empty");
            }
        }
        return out;
    }

    private static void respond(RoutingContext ctx, String generationId, EmbeddingResult result, String format) {
        ObjectNode body = JSON.objectNode()
                .put("object", "list")
                .put("id", generationId)
                .put("model", result.model())
                .put("provider", result.provider());
        ArrayNode data = body.putArray("data");
        for (int i = 0; i < result.vectors().size(); i++) {
            float[] vector = result.vectors().get(i);
            ObjectNode item = data.addObject().put("object", "embedding").put("index", i);
            if ("base64".equals(format)) {
                ByteBuffer buffer = ByteBuffer.allocate(vector.length * 4).order(ByteOrder.LITTLE_ENDIAN);
                for (float f : vector) {
                    buffer.putFloat(f);
                }
                item.put("embedding", Base64.getEncoder().encodeToString(buffer.array()));
            } else {
                ArrayNode values = item.putArray("embedding");
                for (float f : vector) {
                    values.add(f);
                }
            }
        }
        body.putObject("usage")
                .put("prompt_tokens", result.usage().promptTokens())
                .put("total_tokens", result.usage().promptTokens())
                .put("cost", Money.usd(result.usage().costNanos()));
        ctx.response()
                .putHeader("Content-Type", "application/json")
                .putHeader("X-Generation-Id", generationId)
                .putHeader("X-Provider", result.provider())
                .putHeader("X-Model-Used", result.model())
                .end(dev.switchboard.edge.dialect.JsonOut.write(body));
    }
}
