package dev.switchboard.edge.rest;

import dev.switchboard.edge.config.EdgeConfig;
import dev.switchboard.edge.dialect.ErrorBody;
import dev.switchboard.edge.service.EdgeException;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.util.List;
import java.util.Map;

/**
 * The public API's conventions in one place: every path is served under {@code /api/v1} and
 * {@code /v1}; bodies are size-limited; every failure becomes the public error shape
 * {@code {"error":{"code","message","metadata"}}} and never a stack trace.
 */
@ApplicationScoped
public class PublicApi {

    public static final List<String> PREFIXES = List.of("/api/v1", "/v1");
    private static final Logger LOG = Logger.getLogger(PublicApi.class);

    private final long maxBodyBytes;

    public PublicApi(EdgeConfig config) {
        this.maxBodyBytes = config.maxBodyBytes();
    }

    public void post(Router router, String path, Doc doc, Handler<RoutingContext> handler) {
        post(router, path, ErrorBody.OPENAI, doc, handler);
    }

    /** A route whose errors take {@code shape}: a dialect's own, such as Anthropic's. */
    public void post(Router router, String path, ErrorBody shape, Doc doc, Handler<RoutingContext> handler) {
        document("post", path, doc);
        for (String prefix : PREFIXES) {
            router.post(prefix + path)
                    .handler(BodyHandler.create().setBodyLimit(maxBodyBytes).setHandleFileUploads(false))
                    .handler(guard(handler))
                    .failureHandler(ctx -> failure(ctx, shape));
        }
    }

    public void patch(Router router, String path, Doc doc, Handler<RoutingContext> handler) {
        document("patch", path, doc);
        for (String prefix : PREFIXES) {
            router.patch(prefix + path)
                    .handler(BodyHandler.create().setBodyLimit(maxBodyBytes).setHandleFileUploads(false))
                    .handler(guard(handler))
                    .failureHandler(PublicApi::failure);
        }
    }

    public void delete(Router router, String path, Doc doc, Handler<RoutingContext> handler) {
        document("delete", path, doc);
        for (String prefix : PREFIXES) {
            router.delete(prefix + path).handler(guard(handler)).failureHandler(PublicApi::failure);
        }
    }

    public void get(Router router, String path, Doc doc, Handler<RoutingContext> handler) {
        document("get", path, doc);
        for (String prefix : PREFIXES) {
            router.get(prefix + path).handler(guard(handler)).failureHandler(PublicApi::failure);
        }
    }

    /**
     * What the served OpenAPI document says of an operation.
     *
     * @param caller   who may call it: {@code public}, {@code inference key}, {@code management key} or {@code any key}
     * @param statuses the statuses it answers, besides the generic ones
     */
    public record Doc(String summary, String description, String caller, List<Integer> statuses) {
        public static Doc of(String summary, String caller, Integer... statuses) {
            return new Doc(summary, null, caller, List.of(statuses));
        }

        public Doc describedAs(String text) {
            return new Doc(summary, text, caller, statuses);
        }
    }

    /** One documented operation. */
    public record Operation(String method, String path, Doc doc) {}

    private final List<Operation> operations = new java.util.concurrent.CopyOnWriteArrayList<>();

    private void document(String method, String path, Doc doc) {
        operations.add(new Operation(method, path, doc));
    }

    /** Every operation registered so far, in registration order. */
    public List<Operation> operations() {
        return List.copyOf(operations);
    }

    /** Exceptions thrown synchronously by a handler take the same way out as asynchronous ones. */
    private static Handler<RoutingContext> guard(Handler<RoutingContext> handler) {
        return ctx -> {
            try {
                handler.handle(ctx);
            } catch (RuntimeException e) {
                ctx.fail(e);
            }
        };
    }

    /** The caller's key: {@code Authorization: Bearer <key>}, or {@code x-api-key} as Anthropic clients send it. */
    public static String bearerKey(RoutingContext ctx) {
        String authorization = ctx.request().getHeader("Authorization");
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            String key = authorization.substring(7).strip();
            if (!key.isEmpty()) {
                return key;
            }
        }
        String apiKey = ctx.request().getHeader("x-api-key");
        if (apiKey != null && !apiKey.isBlank()) {
            return apiKey.strip();
        }
        throw new EdgeException(401, "Missing API key: send Authorization: Bearer <key>");
    }

    /** X-RateLimit-* headers of a key with a request limit. */
    public static void rateLimitHeaders(
            HttpServerResponse response, dev.switchboard.edge.service.RateLimiter.Decision decision) {
        if (decision.limit() == null) {
            return;
        }
        response.putHeader("X-RateLimit-Limit", Integer.toString(decision.limit()));
        response.putHeader("X-RateLimit-Remaining", Long.toString(Math.max(0, decision.remaining())));
        long resetSeconds = (decision.retryAfterMillis() + 999) / 1000;
        response.putHeader("X-RateLimit-Reset", Long.toString(System.currentTimeMillis() / 1000 + resetSeconds));
        if (!decision.allowed()) {
            response.putHeader("Retry-After", Long.toString(Math.max(1, resetSeconds)));
        }
    }

    static void failure(RoutingContext ctx) {
        failure(ctx, ErrorBody.OPENAI);
    }

    static void failure(RoutingContext ctx, ErrorBody shape) {
        HttpServerResponse response = ctx.response();
        if (response.headWritten()) {
            // the stream already started: nothing sensible to add but closing it
            if (!response.ended()) {
                response.end();
            }
            return;
        }
        Throwable failure = ctx.failure();
        if (failure instanceof EdgeException e) {
            error(response, shape, e.status(), e.getMessage(), e.metadata());
            return;
        }
        int status = ctx.statusCode();
        if (status == 413) {
            error(response, shape, 413, "Request body too large", Map.of());
        } else if (status == 400) {
            error(response, shape, 400, "Malformed request", Map.of());
        } else {
            LOG.errorf(failure, "unexpected failure on %s", ctx.normalizedPath());
            error(response, shape, 500, "Internal error", Map.of());
        }
    }

    public static void error(
            HttpServerResponse response, ErrorBody shape, int status, String message, Map<String, Object> metadata) {
        if (response.closed() || response.ended()) {
            return;
        }
        byte[] body = shape.write(status, message, metadata);
        response.setStatusCode(status)
                .putHeader("Content-Type", "application/json")
                .end(Buffer.buffer(body));
    }
}
