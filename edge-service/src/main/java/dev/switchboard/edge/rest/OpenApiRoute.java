package dev.switchboard.edge.rest;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.edge.dialect.JsonOut;
import io.quarkus.runtime.StartupEvent;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;

import java.util.Map;

/**
 * {@code GET /openapi} (and {@code /api/v1/openapi.json}): an OpenAPI 3.1 document built at start
 * from the routes as they registered themselves ({@link PublicApi.Doc}), so it cannot drift from
 * what is served. Request and response bodies are described by the dialect each route speaks (the
 * official OpenAI, OpenRouter and Anthropic descriptions); the error shape is spelled out.
 */
@ApplicationScoped
public class OpenApiRoute {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final Map<Integer, String> REASONS = Map.ofEntries(
            Map.entry(200, "OK"),
            Map.entry(201, "Created"),
            Map.entry(400, "Invalid request (metadata.field names the field)"),
            Map.entry(401, "Missing, invalid or expired key"),
            Map.entry(402, "Not enough credit"),
            Map.entry(403, "Key not allowed (kind, disabled, limit reached)"),
            Map.entry(404, "Unknown model, key or generation"),
            Map.entry(408, "Provider timeout"),
            Map.entry(413, "Body too large"),
            Map.entry(429, "Rate limited (Retry-After)"),
            Map.entry(502, "Provider error"),
            Map.entry(503, "No provider can serve (reasons in metadata)"));

    private volatile String document = "{}";

    void register(@Observes Router router) {
        router.get("/openapi")
                .handler(ctx -> ctx.response()
                        .putHeader("Content-Type", "application/json")
                        .end(document));
        router.get("/api/v1/openapi.json")
                .handler(ctx -> ctx.response()
                        .putHeader("Content-Type", "application/json")
                        .end(document));
    }

    /** After start-up every route has registered itself. */
    void build(@Observes StartupEvent event, Instance<PublicApi> api) {
        document = JsonOut.write(build(api.get()));
    }

    static ObjectNode build(PublicApi api) {
        ObjectNode doc = JSON.objectNode().put("openapi", "3.1.0");
        doc.putObject("info")
                .put("title", "Switchboard")
                .put("version", "v1")
                .put(
                        "description",
                        "One OpenAI-compatible endpoint in front of many model providers. Every path is served under /api/v1 and /v1.");
        doc.putArray("servers").addObject().put("url", "/api/v1");
        ObjectNode paths = doc.putObject("paths");
        for (PublicApi.Operation op : api.operations()) {
            String path = op.path().replaceAll(":([a-z]+)", "{$1}");
            ObjectNode operation = paths.has(path) ? (ObjectNode) paths.get(path) : paths.putObject(path);
            ObjectNode o =
                    operation.putObject(op.method()).put("summary", op.doc().summary());
            if (op.doc().description() != null) {
                o.put("description", op.doc().description());
            }
            o.put("x-switchboard-caller", op.doc().caller());
            if (!"public".equals(op.doc().caller())) {
                o.putArray("security").addObject().putArray("bearer");
            }
            var parameters = o.putArray("parameters");
            java.util.regex.Matcher m =
                    java.util.regex.Pattern.compile("\\{([a-z]+)}").matcher(path);
            while (m.find()) {
                parameters
                        .addObject()
                        .put("name", m.group(1))
                        .put("in", "path")
                        .put("required", true)
                        .putObject("schema")
                        .put("type", "string");
            }
            if (op.method().equals("post") || op.method().equals("patch")) {
                o.putObject("requestBody")
                        .put("required", true)
                        .putObject("content")
                        .putObject("application/json")
                        .putObject("schema")
                        .put("type", "object");
            }
            ObjectNode responses = o.putObject("responses");
            for (int status : op.doc().statuses()) {
                ObjectNode response = responses
                        .putObject(Integer.toString(status))
                        .put("description", REASONS.getOrDefault(status, "HTTP " + status));
                ObjectNode schema = response.putObject("content")
                        .putObject("application/json")
                        .putObject("schema");
                if (status >= 400) {
                    schema.put("$ref", "#/components/schemas/Error");
                } else {
                    schema.put("type", "object");
                }
            }
        }
        ObjectNode components = doc.putObject("components");
        components
                .putObject("securitySchemes")
                .putObject("bearer")
                .put("type", "http")
                .put("scheme", "bearer")
                .put("description", "Authorization: Bearer <key> (x-api-key is accepted too)");
        ObjectNode error = components.putObject("schemas").putObject("Error").put("type", "object");
        error.putArray("required").add("error");
        ObjectNode body = error.putObject("properties").putObject("error").put("type", "object");
        body.putArray("required").add("code").add("message");
        ObjectNode props = body.putObject("properties");
        props.putObject("code").put("type", "integer").put("description", "the HTTP status");
        props.putObject("message").put("type", "string");
        props.putObject("metadata").put("type", "object");
        return doc;
    }
}
