package dev.switchboard.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * A test double for model providers. Serves the OpenAI chat-completions family under
 * {@code /{provider}/v1/...} for any provider name, checks that each provider is called with its
 * own credential, and injects latency and faults configured per provider through
 * {@code /_sim/providers/{provider}}. Outputs are deterministic for a given request.
 */
public final class ProviderSimulator {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Encoding TOKENIZER = Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.O200K_BASE);

    private final Vertx vertx;
    private final Map<String, String> credentials;
    private final Map<String, Behaviour> behaviours = new ConcurrentHashMap<>();
    private final Map<String, Counters> counters = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private HttpServer server;

    /** @param credentials provider name → the key it accepts; providers not listed accept {@code sim-<provider>-key} */
    public ProviderSimulator(Vertx vertx, Map<String, String> credentials) {
        this.vertx = vertx;
        this.credentials = Map.copyOf(credentials);
    }

    /** Reads {@code SIM_KEY_<PROVIDER>} variables (provider name upper-cased, '-' as '_'). */
    public static Map<String, String> credentialsFromEnvironment(Map<String, String> env) {
        var out = new java.util.HashMap<String, String>();
        env.forEach((k, v) -> {
            if (k.startsWith("SIM_KEY_") && !v.isBlank()) {
                out.put(k.substring("SIM_KEY_".length()).toLowerCase(Locale.ROOT).replace('_', '-'), v);
            }
        });
        return out;
    }

    public static String defaultCredential(String provider) {
        return "sim-" + provider + "-key";
    }

    public Future<HttpServer> start(String host, int port) {
        Router router = Router.router(vertx);
        router.get("/health").handler(ctx -> ctx.response().end("ok"));
        router.route("/_sim/*").handler(BodyHandler.create().setBodyLimit(64 * 1024));
        router.get("/_sim/stats").handler(this::stats);
        router.put("/_sim/providers/:provider").handler(this::configure);
        router.delete("/_sim/providers").handler(ctx -> {
            behaviours.clear();
            counters.clear();
            ctx.response().setStatusCode(204).end();
        });
        router.route("/:provider/v1/*").handler(BodyHandler.create().setBodyLimit(16 * 1024 * 1024));
        router.get("/:provider/v1/models").handler(this::models);
        router.post("/:provider/v1/chat/completions").handler(this::chat);
        router.post("/:provider/v1/embeddings").handler(this::embeddings);
        router.route().last().handler(ctx -> error(ctx.response(), 404, "not_found", "unknown path " + ctx.normalizedPath()));
        return vertx.createHttpServer().requestHandler(router).listen(port, host).onSuccess(s -> this.server = s);
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

    public long requests(String provider) {
        Counters c = counters.get(provider);
        return c == null ? 0 : c.requests.sum();
    }

    public long unauthorized(String provider) {
        Counters c = counters.get(provider);
        return c == null ? 0 : c.unauthorized.sum();
    }

    private boolean authorized(RoutingContext ctx, String provider) {
        String expected = "Bearer " + credentials.getOrDefault(provider, defaultCredential(provider));
        Counters c = counters.computeIfAbsent(provider, p -> new Counters());
        c.requests.increment();
        if (!expected.equals(ctx.request().getHeader("Authorization"))) {
            c.unauthorized.increment();
            error(ctx.response(), 401, "invalid_api_key", "Incorrect API key provided.");
            return false;
        }
        return true;
    }

    private void models(RoutingContext ctx) {
        String provider = ctx.pathParam("provider");
        if (!authorized(ctx, provider)) {
            return;
        }
        Behaviour b = currentBehaviour(provider);
        if (b.failsNow()) {
            fail(ctx, provider, b);
            return;
        }
        vertx.setTimer(Math.max(1, b.ttftMs()), t -> json(ctx.response(), 200,
                JSON.createObjectNode().put("object", "list").set("data", JSON.createArrayNode())));
    }

    private void chat(RoutingContext ctx) {
        String provider = ctx.pathParam("provider");
        if (!authorized(ctx, provider)) {
            return;
        }
        JsonNode body = jsonBody(ctx);
        if (body == null) {
            return;
        }
        if (!body.path("model").isTextual() || !body.path("messages").isArray() || body.path("messages").isEmpty()) {
            error(ctx.response(), 400, "invalid_request_error", "model and messages are required");
            return;
        }
        Behaviour b = currentBehaviour(provider);
        if (b.failsNow()) {
            fail(ctx, provider, b);
            return;
        }
        String model = body.path("model").asText();
        int promptTokens = countPrompt(body.path("messages"));
        int maxTokens = body.path("max_completion_tokens").asInt(body.path("max_tokens").asInt(Integer.MAX_VALUE));
        int tokens = Math.min(b.tokens(), Math.max(0, maxTokens));
        String finish = tokens < b.tokens() ? "length" : "stop";
        List<String> pieces = TextGenerator.pieces(seed(model, body), tokens);
        String id = "chatcmpl-sim" + ids.incrementAndGet();
        long created = System.currentTimeMillis() / 1000;
        if (body.path("stream").asBoolean(false)) {
            boolean includeUsage = body.path("stream_options").path("include_usage").asBoolean(false);
            stream(ctx, b, new Answer(id, created, model, pieces, finish, promptTokens), includeUsage);
        } else {
            vertx.setTimer(Math.max(1, b.ttftMs()), t -> {
                String text = String.join("", pieces);
                ObjectNode message = JSON.createObjectNode().put("role", "assistant").put("content", text);
                message.putNull("refusal");
                ObjectNode choice = JSON.createObjectNode().put("index", 0);
                choice.set("message", message);
                choice.putNull("logprobs");
                choice.put("finish_reason", finish);
                ObjectNode out = envelope(id, created, model, "chat.completion");
                out.set("choices", JSON.createArrayNode().add(choice));
                out.set("usage", usage(promptTokens, TOKENIZER.countTokens(text)));
                json(ctx.response(), 200, out);
            });
        }
    }

    /** OpenAI embeddings: one deterministic unit vector per input (1536 dimensions unless asked otherwise). */
    private void embeddings(RoutingContext ctx) {
        String provider = ctx.pathParam("provider");
        if (!authorized(ctx, provider)) {
            return;
        }
        JsonNode body = jsonBody(ctx);
        if (body == null) {
            return;
        }
        JsonNode input = body.path("input");
        if (!body.path("model").isTextual() || !(input.isTextual() || input.isArray()) || input.isEmpty() && input.isArray()) {
            error(ctx.response(), 400, "invalid_request_error", "model and input are required");
            return;
        }
        Behaviour b = currentBehaviour(provider);
        if (b.failsNow()) {
            fail(ctx, provider, b);
            return;
        }
        List<String> texts = new java.util.ArrayList<>();
        if (input.isTextual()) {
            texts.add(input.asText());
        } else {
            input.forEach(n -> texts.add(n.asText()));
        }
        int dimensions = Math.max(1, Math.min(3072, body.path("dimensions").asInt(1536)));
        vertx.setTimer(Math.max(1, b.ttftMs()), t -> {
            ObjectNode out = JSON.createObjectNode().put("object", "list").put("model", body.path("model").asText());
            var data = out.putArray("data");
            int tokens = 0;
            for (int i = 0; i < texts.size(); i++) {
                tokens += TOKENIZER.countTokens(texts.get(i));
                var vector = data.addObject().put("object", "embedding").put("index", i).putArray("embedding");
                java.util.SplittableRandom random = new java.util.SplittableRandom(texts.get(i).hashCode());
                double[] v = new double[dimensions];
                double norm = 0;
                for (int d = 0; d < dimensions; d++) {
                    v[d] = random.nextDouble() - 0.5;
                    norm += v[d] * v[d];
                }
                norm = Math.sqrt(norm);
                for (double x : v) {
                    vector.add((float) (x / norm));
                }
            }
            out.putObject("usage").put("prompt_tokens", tokens).put("total_tokens", tokens);
            json(ctx.response(), 200, out);
        });
    }

    /** The request's JSON object, or null after answering 400 as the provider would. */
    private static JsonNode jsonBody(RoutingContext ctx) {
        try {
            JsonNode body = JSON.readTree(ctx.body().buffer().getBytes());
            if (body != null && body.isObject()) {
                return body;
            }
        } catch (Exception e) {
            // answered below
        }
        error(ctx.response(), 400, "invalid_request_error", "We could not parse the JSON body of your request.");
        return null;
    }

    private void stream(RoutingContext ctx, Behaviour b, Answer answer, boolean includeUsage) {
        HttpServerResponse response = ctx.response();
        String provider = ctx.pathParam("provider");
        // the caller hung up mid-answer: counted, so tests can see cancellation reach the provider
        response.closeHandler(v -> {
            if (!response.ended()) {
                counters.computeIfAbsent(provider, p -> new Counters()).cancelled.increment();
            }
        });
        vertx.setTimer(Math.max(1, b.ttftMs()), t -> {
            if (response.closed()) {
                return;
            }
            response.setChunked(true).putHeader("Content-Type", "text/event-stream").putHeader("Cache-Control", "no-cache");
            ObjectNode first = chunk(answer, JSON.createObjectNode().put("role", "assistant").put("content", ""), null);
            writeEvent(response, first);
            emitPiece(ctx, b, answer, includeUsage, 0);
        });
    }

    private void emitPiece(RoutingContext ctx, Behaviour b, Answer answer, boolean includeUsage, int index) {
        HttpServerResponse response = ctx.response();
        if (response.closed()) {
            return;
        }
        if (b.resetAfterTokens() > 0 && index >= b.resetAfterTokens()) {
            ctx.request().connection().close();
            return;
        }
        if (index < answer.pieces().size()) {
            writeEvent(response, chunk(answer, JSON.createObjectNode().put("content", answer.pieces().get(index)), null));
            vertx.setTimer(Math.max(1, b.interTokenMs()), t -> emitPiece(ctx, b, answer, includeUsage, index + 1));
            return;
        }
        writeEvent(response, chunk(answer, JSON.createObjectNode(), answer.finish()));
        if (includeUsage) {
            ObjectNode last = envelope(answer.id(), answer.created(), answer.model(), "chat.completion.chunk");
            last.set("choices", JSON.createArrayNode());
            last.set("usage", usage(answer.promptTokens(), TOKENIZER.countTokens(String.join("", answer.pieces()))));
            writeEvent(response, last);
        }
        response.end("data: [DONE]\n\n");
    }

    private ObjectNode chunk(Answer answer, ObjectNode delta, String finish) {
        ObjectNode choice = JSON.createObjectNode().put("index", 0);
        choice.set("delta", delta);
        choice.putNull("logprobs");
        if (finish == null) {
            choice.putNull("finish_reason");
        } else {
            choice.put("finish_reason", finish);
        }
        ObjectNode out = envelope(answer.id(), answer.created(), answer.model(), "chat.completion.chunk");
        out.set("choices", JSON.createArrayNode().add(choice));
        return out;
    }

    private static ObjectNode envelope(String id, long created, String model, String object) {
        ObjectNode out = JSON.createObjectNode();
        out.put("id", id).put("object", object).put("created", created).put("model", model).put("system_fingerprint", "fp_simulator");
        return out;
    }

    private static ObjectNode usage(int prompt, int completion) {
        ObjectNode usage = JSON.createObjectNode()
                .put("prompt_tokens", prompt).put("completion_tokens", completion).put("total_tokens", prompt + completion);
        usage.set("prompt_tokens_details", JSON.createObjectNode().put("cached_tokens", 0));
        usage.set("completion_tokens_details", JSON.createObjectNode().put("reasoning_tokens", 0));
        return usage;
    }

    private Behaviour currentBehaviour(String provider) {
        return behaviours.getOrDefault(provider, Behaviour.DEFAULT);
    }

    private void fail(RoutingContext ctx, String provider, Behaviour b) {
        behaviours.computeIfPresent(provider, (p, current) -> current.afterOneFailure());
        if (b.retryAfterSeconds() > 0) {
            ctx.response().putHeader("Retry-After", Integer.toString(b.retryAfterSeconds()));
        }
        String type = b.failStatus() == 429 ? "rate_limit_exceeded" : "server_error";
        vertx.setTimer(Math.max(1, b.ttftMs()), t -> error(ctx.response(), b.failStatus(), type, "simulated failure " + b.failStatus()));
    }

    private void configure(RoutingContext ctx) {
        String provider = ctx.pathParam("provider");
        try {
            JsonNode n = JSON.readTree(ctx.body().buffer().getBytes());
            Behaviour d = Behaviour.DEFAULT;
            Behaviour b = new Behaviour(
                    n.path("ttft_ms").asLong(d.ttftMs()),
                    n.path("inter_token_ms").asLong(d.interTokenMs()),
                    n.path("tokens").asInt(d.tokens()),
                    n.path("fail_status").asInt(0),
                    n.path("fail_count").asInt(n.has("fail_status") ? -1 : 0),
                    n.path("retry_after_seconds").asInt(0),
                    n.path("reset_after_tokens").asInt(0));
            behaviours.put(provider, b);
            json(ctx.response(), 200, JSON.valueToTree(b));
        } catch (Exception e) {
            error(ctx.response(), 400, "invalid_request_error", "behaviour must be a JSON object");
        }
    }

    private void stats(RoutingContext ctx) {
        ObjectNode providers = JSON.createObjectNode();
        counters.forEach((name, c) -> providers.set(name, JSON.createObjectNode()
                .put("requests", c.requests.sum()).put("unauthorized", c.unauthorized.sum()).put("cancelled", c.cancelled.sum())));
        json(ctx.response(), 200, JSON.createObjectNode().set("providers", providers));
    }

    private static int countPrompt(JsonNode messages) {
        int tokens = 3;
        for (JsonNode message : messages) {
            tokens += 3;
            JsonNode content = message.path("content");
            if (content.isTextual()) {
                tokens += TOKENIZER.countTokens(content.asText());
            } else if (content.isArray()) {
                for (JsonNode part : content) {
                    tokens += TOKENIZER.countTokens(part.path("text").asText(""));
                }
            }
        }
        return tokens;
    }

    private static long seed(String model, JsonNode body) {
        long hash = 0xcbf29ce484222325L;
        byte[] bytes = (model + body.path("messages").toString() + body.path("seed").asText("")).getBytes(StandardCharsets.UTF_8);
        for (byte b : bytes) {
            hash = (hash ^ b) * 0x100000001b3L;
        }
        return hash;
    }

    private static void writeEvent(HttpServerResponse response, JsonNode event) {
        response.write("data: " + event.toString() + "\n\n");
    }

    private static void json(HttpServerResponse response, int status, JsonNode body) {
        if (!response.closed() && !response.ended()) {
            response.setStatusCode(status).putHeader("Content-Type", "application/json").end(body.toString());
        }
    }

    private static void error(HttpServerResponse response, int status, String code, String message) {
        ObjectNode error = JSON.createObjectNode().put("message", message).put("type", status == 429 ? "requests" : "invalid_request_error");
        error.putNull("param");
        error.put("code", code);
        json(response, status, JSON.createObjectNode().set("error", error));
    }

    private record Answer(String id, long created, String model, List<String> pieces, String finish, int promptTokens) {
    }

    private static final class Counters {
        final LongAdder requests = new LongAdder();
        final LongAdder unauthorized = new LongAdder();
        final LongAdder cancelled = new LongAdder();
    }
}
