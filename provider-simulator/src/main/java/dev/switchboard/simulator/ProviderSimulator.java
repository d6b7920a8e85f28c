package dev.switchboard.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.simulator.family.AnthropicFamily;
import dev.switchboard.simulator.family.BedrockFamily;
import dev.switchboard.simulator.family.CohereFamily;
import dev.switchboard.simulator.family.GeminiFamily;
import dev.switchboard.simulator.family.OpenAiFamily;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A test double for model providers. One server speaks every wire family (OpenAI and Azure OpenAI
 * chat completions, Anthropic Messages, Gemini, Cohere v2, Bedrock Converse) under
 * {@code /{provider}/...} for any provider name; the family is chosen by the rest of the path. Each
 * provider accepts only its own credential, and every credential presented is fingerprinted in
 * {@code GET /_sim/stats}. Latency and faults are set per provider through
 * {@code PUT /_sim/providers/{provider}}. Answers are deterministic for a given request.
 */
public final class ProviderSimulator {

    private final Vertx vertx;
    private final SimulatorConfig config;
    private final Credentials credentials;
    private final Signatures signatures = new Signatures(Signatures.DEFAULT_SECRET);
    private final List<Family> families = List.of(
            new OpenAiFamily(), new AnthropicFamily(), new GeminiFamily(), new CohereFamily(), new BedrockFamily());
    private final Map<String, Behaviour> behaviours = new ConcurrentHashMap<>();
    private final Stats stats = new Stats();
    private final AtomicLong serials = new AtomicLong();
    private HttpServer server;

    /** @param credentials provider name → the credential it accepts; providers not listed accept their family's default */
    public ProviderSimulator(Vertx vertx, Map<String, String> credentials) {
        this(vertx, SimulatorConfig.EMPTY.withCredentials(credentials));
    }

    public ProviderSimulator(Vertx vertx, SimulatorConfig config) {
        this.vertx = vertx;
        this.config = config;
        this.credentials = new Credentials(config);
    }

    /** Reads {@code SIM_KEY_<PROVIDER>} variables (provider name upper-cased, '-' as '_'). */
    public static Map<String, String> credentialsFromEnvironment(Map<String, String> env) {
        return SimulatorConfig.credentialsFromEnvironment(env);
    }

    /** The credential a provider accepts unless configured otherwise (Bedrock family: {@link #defaultBedrockCredential}). */
    public static String defaultCredential(String provider) {
        return "sim-" + provider + "-key";
    }

    /** A Bedrock-family provider's default {@code <accessKeyId>:<secretAccessKey>}. */
    public static String defaultBedrockCredential(String provider) {
        return "sim-" + provider + "-akid:" + defaultCredential(provider);
    }

    /** How a credential appears in {@code credential_fingerprints}: the first 16 hex characters of its SHA-256. */
    public static String fingerprint(String credential) {
        return Credentials.fingerprint(credential);
    }

    public Future<HttpServer> start(String host, int port) {
        Router router = Router.router(vertx);
        router.route().handler(BodyHandler.create(false).setBodyLimit(16 * 1024 * 1024));
        router.get("/health").handler(ctx -> ctx.response().end("ok"));
        router.get("/_sim/stats").handler(ctx -> json(ctx.response(), 200, stats.toJson()));
        router.put("/_sim/providers/:provider").handler(this::configure);
        router.delete("/_sim/providers").handler(ctx -> {
            reset();
            ctx.response().setStatusCode(204).end();
        });
        router.route("/:provider/*").handler(this::dispatch);
        router.route()
                .last()
                .handler(ctx -> notFound(ctx.response(), ctx.request().path()));
        return vertx.createHttpServer()
                .requestHandler(router)
                .listen(port, host)
                .onSuccess(s -> this.server = s);
    }

    public int port() {
        return server.actualPort();
    }

    public Future<Void> stop() {
        return server == null ? Future.succeededFuture() : server.close();
    }

    /** Sets a provider's behaviour directly (tests in the same JVM). */
    public void behave(String provider, Behaviour behaviour) {
        behaviours.put(provider, behaviour);
    }

    /** Back to the configured behaviours, with all counters and fingerprints cleared (as {@code DELETE /_sim/providers}). */
    public void reset() {
        behaviours.clear();
        stats.clear();
    }

    public long requests(String provider) {
        return stats.requests(provider);
    }

    public long unauthorized(String provider) {
        return stats.unauthorized(provider);
    }

    /** Requests whose caller hung up before the answer was complete. */
    public long cancelled(String provider) {
        return stats.cancelled(provider);
    }

    /** Fingerprints ({@link #fingerprint}) of every credential value presented to the provider. */
    public Set<String> credentialFingerprints(String provider) {
        return stats.fingerprints(provider);
    }

    /** The {@code GET /_sim/stats} document. */
    public ObjectNode stats() {
        return stats.toJson();
    }

    private void dispatch(RoutingContext ctx) {
        String path = ctx.request().path();
        int slash = path.indexOf('/', 1);
        if (slash < 0) {
            ctx.next();
            return;
        }
        String provider = UriEncoding.decode(path.substring(1, slash));
        String rest = path.substring(slash);
        for (Family family : families) {
            Operation operation =
                    family.route(ctx.request().method(), rest, ctx.request().headers());
            if (operation != null) {
                serve(ctx, provider, rest, family, operation);
                return;
            }
        }
        ctx.next();
    }

    private void serve(RoutingContext ctx, String provider, String rest, Family family, Operation operation) {
        stats.request(provider, family.name());
        stats.presented(provider, Credentials.presented(ctx.request()));
        Exchange exchange = new Exchange(
                ctx,
                vertx,
                rest,
                family,
                behaviour(provider),
                config.quirks(provider),
                signatures,
                serials.incrementAndGet(),
                () -> behaviours.compute(
                        provider, (p, current) -> (current == null ? config.behaviour(p) : current).afterOneFailure()));
        HttpServerResponse response = ctx.response();
        // the caller hung up mid-answer: counted, so tests can see cancellation reach the provider
        response.closeHandler(v -> {
            if (!response.ended() && !exchange.closedByFault()) {
                stats.cancelled(provider, family.name());
            }
        });
        Optional<Reply> denied = family.authenticate(exchange, credentials.of(provider, family));
        if (denied.isPresent()) {
            stats.unauthorized(provider, family.name());
            exchange.reply(denied.get());
            return;
        }
        operation.serve(exchange);
    }

    private Behaviour behaviour(String provider) {
        return behaviours.getOrDefault(provider, config.behaviour(provider));
    }

    private void configure(RoutingContext ctx) {
        String provider = ctx.pathParam("provider");
        Behaviour b;
        try {
            b = Behaviour.fromJson(Json.MAPPER.readTree(ctx.body().buffer().getBytes()), config.behaviour(provider));
        } catch (Exception e) {
            json(ctx.response(), 400, openAiError("invalid_request_error", "behaviour must be a JSON object"));
            return;
        }
        behaviours.put(provider, b);
        json(ctx.response(), 200, Json.MAPPER.valueToTree(b));
    }

    private static void notFound(HttpServerResponse response, String path) {
        json(response, 404, openAiError("not_found", "unknown path " + path));
    }

    private static ObjectNode openAiError(String code, String message) {
        ObjectNode error = Json.object().put("message", message).put("type", "invalid_request_error");
        error.putNull("param");
        error.put("code", code);
        return (ObjectNode) Json.object().set("error", error);
    }

    private static void json(HttpServerResponse response, int status, JsonNode body) {
        if (!response.closed() && !response.ended()) {
            response.setStatusCode(status)
                    .putHeader("Content-Type", "application/json")
                    .end(body.toString());
        }
    }
}
