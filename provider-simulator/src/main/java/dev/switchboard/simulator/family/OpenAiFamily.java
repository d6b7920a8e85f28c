package dev.switchboard.simulator.family;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.simulator.Answer;
import dev.switchboard.simulator.Conversation;
import dev.switchboard.simulator.Exchange;
import dev.switchboard.simulator.Family;
import dev.switchboard.simulator.Frames;
import dev.switchboard.simulator.Ids;
import dev.switchboard.simulator.Json;
import dev.switchboard.simulator.Operation;
import dev.switchboard.simulator.Planner;
import dev.switchboard.simulator.Quirks;
import dev.switchboard.simulator.Reply;
import dev.switchboard.simulator.Tokens;
import dev.switchboard.simulator.UriEncoding;
import dev.switchboard.simulator.Vectors;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * OpenAI chat completions, embeddings and models, as OpenAI and every OpenAI-compatible provider
 * serve them (their differences are {@link Quirks}), and Azure OpenAI's deployment paths
 * ({@code /openai/deployments/{deployment}/...}: {@code api-key} header, {@code api-version} query,
 * the deployment is the model).
 */
public final class OpenAiFamily implements Family {

    private static final Pattern AZURE =
            Pattern.compile("/openai/deployments/([^/]+)/(chat/completions|embeddings)$|^/openai/models$");

    @Override
    public String name() {
        return "openai";
    }

    @Override
    public Operation route(HttpMethod method, String rest, MultiMap headers) {
        if (HttpMethod.POST.equals(method)) {
            Matcher azure = AZURE.matcher(rest);
            if (azure.find() && azure.group(1) != null) {
                String deployment = UriEncoding.decode(azure.group(1));
                return azure.group(2).equals("embeddings")
                        ? ex -> embeddings(ex, deployment)
                        : ex -> chat(ex, deployment);
            }
            if (rest.endsWith("/chat/completions")) {
                return ex -> chat(ex, null);
            }
            if (rest.endsWith("/embeddings")) {
                return ex -> embeddings(ex, null);
            }
        }
        if (HttpMethod.GET.equals(method)
                && rest.endsWith("/models")
                && !headers.contains("anthropic-version")
                && !headers.contains("x-goog-api-key")) {
            return this::models;
        }
        return null;
    }

    @Override
    public Optional<Reply> authenticate(Exchange exchange, String credential) {
        if (AZURE.matcher(exchange.rest()).find()) {
            if (credential.equals(exchange.header("api-key"))) {
                return Optional.empty();
            }
            ObjectNode error = Json.object()
                    .put("code", "401")
                    .put(
                            "message",
                            "Access denied due to invalid subscription key or wrong API endpoint. "
                                    + "Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.");
            return Optional.of(Reply.json(401, Json.object().set("error", error)));
        }
        if (("Bearer " + credential).equals(exchange.header("Authorization"))) {
            return Optional.empty();
        }
        return Optional.of(error(exchange, 401, "invalid_api_key", "Incorrect API key provided."));
    }

    @Override
    public Reply error(Exchange exchange, int status, String code, String message) {
        return error(
                exchange.quirks(),
                status,
                code != null ? code : status == 429 ? "rate_limit_exceeded" : "server_error",
                null,
                message);
    }

    private static Reply error(Quirks quirks, int status, String code, String param, String message) {
        String type = status == 429 ? "requests" : "invalid_request_error";
        if (quirks.errorStyle() == Quirks.ErrorStyle.MISTRAL) {
            ObjectNode body =
                    Json.object().put("object", "error").put("message", message).put("type", type);
            body.put("param", param);
            body.put("code", code);
            return Reply.json(status, body);
        }
        ObjectNode error = Json.object().put("message", message).put("type", type);
        error.put("param", param);
        error.put("code", code);
        return Reply.json(status, Json.object().set("error", error));
    }

    private static Reply badRequest(Exchange exchange, String message) {
        return error(exchange.quirks(), 400, "invalid_request_error", null, message);
    }

    private void models(Exchange exchange) {
        if (exchange.failureInjected()) {
            return;
        }
        exchange.answer(Reply.json(200, Json.object().put("object", "list").set("data", Json.array())));
    }

    /** The request's JSON body, or null once a 400 is answered (no Azure api-version, or not JSON). */
    private static ObjectNode body(Exchange exchange, String deployment) {
        if (deployment != null && exchange.query("api-version") == null) {
            exchange.reply(error(exchange.quirks(), 400, "BadRequest", null, "Missing API version parameter."));
            return null;
        }
        ObjectNode body = exchange.json();
        if (body == null) {
            exchange.reply(badRequest(exchange, "We could not parse the JSON body of your request."));
        }
        return body;
    }

    private void chat(Exchange exchange, String deployment) {
        ObjectNode body = body(exchange, deployment);
        if (body == null) {
            return;
        }
        String model = deployment != null
                ? deployment
                : body.path("model").isTextual() ? body.path("model").asText() : null;
        JsonNode messages = body.path("messages");
        if (model == null || !messages.isArray() || messages.isEmpty()) {
            exchange.reply(badRequest(exchange, "model and messages are required"));
            return;
        }
        Optional<Reply> refused = quirkRefusal(exchange.quirks(), body, model);
        if (refused.isPresent()) {
            exchange.reply(refused.get());
            return;
        }
        if (exchange.failureInjected()) {
            return;
        }
        Quirks quirks = exchange.quirks();
        Answer answer = Planner.plan(
                conversation(quirks, body, model), exchange.behaviour().tokens());
        Envelope envelope =
                new Envelope("chatcmpl-sim" + exchange.serial(), System.currentTimeMillis() / 1000, model, quirks);
        if (body.path("stream").asBoolean(false)) {
            boolean includeUsage =
                    body.path("stream_options").path("include_usage").asBoolean(false);
            exchange.stream(frames(envelope, answer, includeUsage));
        } else {
            exchange.answer(Reply.json(200, completion(envelope, answer)));
        }
    }

    /** What this provider refuses that OpenAI accepts (or the reverse). */
    private static Optional<Reply> quirkRefusal(Quirks quirks, JsonNode body, String model) {
        for (String field : quirks.extraForbidden()) {
            if (body.has(field)) {
                return Optional.of(
                        error(quirks, 422, "extra_forbidden", field, "Extra inputs are not permitted: " + field));
            }
        }
        for (JsonNode message : body.path("messages")) {
            List<String> ids = new ArrayList<>();
            message.path("tool_calls").forEach(call -> ids.add(call.path("id").asText()));
            if (message.has("tool_call_id")) {
                ids.add(message.path("tool_call_id").asText());
            }
            for (String id : ids) {
                if (!quirks.acceptsToolCallId(id)) {
                    return Optional.of(error(
                            quirks,
                            422,
                            "invalid_tool_call_id",
                            null,
                            "Tool call id was " + id + " but must match " + quirks.toolCallIdPattern()));
                }
            }
        }
        if (body.has("max_tokens") && quirks.rejectsMaxTokens(model)) {
            return Optional.of(
                    error(
                            quirks,
                            400,
                            "unsupported_parameter",
                            "max_tokens",
                            "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead."));
        }
        return Optional.empty();
    }

    private static Conversation conversation(Quirks quirks, JsonNode body, String model) {
        JsonNode messages = body.path("messages");
        String lastRole = messages.get(messages.size() - 1).path("role").asText();
        boolean toolResult = lastRole.equals("tool") || lastRole.equals("function");
        String result = null;
        if (toolResult) {
            int first = messages.size() - 1;
            while (first > 0 && isToolResult(messages.get(first - 1))) {
                first--;
            }
            result = Json.text(messages.get(first).path("content"));
        }
        List<Conversation.Tool> tools = new ArrayList<>();
        body.path("tools")
                .forEach(t -> tools.add(new Conversation.Tool(
                        t.path("function").path("name").asText(),
                        t.path("function").path("parameters"))));
        return new Conversation(
                model,
                Conversation.seed(model, messages, body.path(quirks.seedField()).asText("")),
                promptTokens(messages),
                body.path("max_completion_tokens").asInt(body.path("max_tokens").asInt(Conversation.NO_LIMIT)),
                tools,
                toolChoice(body.path("tool_choice")),
                body.path("parallel_tool_calls").asBoolean(true),
                toolResult
                        ? Conversation.Turn.TOOL_RESULT
                        : lastRole.equals("user") ? Conversation.Turn.USER : Conversation.Turn.OTHER,
                result,
                reasoningRequested(body) || quirks.alwaysReasons(model));
    }

    private static boolean isToolResult(JsonNode message) {
        String role = message.path("role").asText();
        return role.equals("tool") || role.equals("function");
    }

    private static boolean reasoningRequested(JsonNode body) {
        return body.path("reasoning_effort").isTextual()
                && !body.path("reasoning_effort").asText().equals("none");
    }

    private static Conversation.ToolChoice toolChoice(JsonNode choice) {
        if (choice.isTextual()) {
            return switch (choice.asText()) {
                case "none" -> Conversation.ToolChoice.NONE;
                case "required" -> Conversation.ToolChoice.REQUIRED;
                default -> Conversation.ToolChoice.AUTO;
            };
        }
        if (choice.path("function").path("name").isTextual()) {
            return Conversation.ToolChoice.forced(
                    choice.path("function").path("name").asText());
        }
        return Conversation.ToolChoice.AUTO;
    }

    /** OpenAI's own accounting: 3 tokens of priming, 3 per message, plus the content (and tool-call arguments). */
    private static int promptTokens(JsonNode messages) {
        int tokens = 3;
        for (JsonNode message : messages) {
            tokens += 3;
            JsonNode content = message.path("content");
            if (content.isTextual()) {
                tokens += Tokens.count(content.asText());
            } else if (content.isArray()) {
                for (JsonNode part : content) {
                    tokens += Tokens.count(part.path("text").asText(""));
                }
            }
            for (JsonNode call : message.path("tool_calls")) {
                tokens += Tokens.count(call.path("function").path("arguments").asText(""));
            }
        }
        return tokens;
    }

    private record Envelope(String id, long created, String model, Quirks quirks) {

        ObjectNode of(String object) {
            ObjectNode out = Json.object();
            out.put("id", id).put("object", object).put("created", created).put("model", model);
            if (quirks.openAiExtras()) {
                out.put("system_fingerprint", "fp_simulator");
            }
            if (quirks.citations()) {
                out.putArray("citations")
                        .add("https://switchboard.example/sources/1")
                        .add("https://switchboard.example/sources/2");
            }
            return out;
        }
    }

    private static ObjectNode completion(Envelope envelope, Answer answer) {
        ObjectNode message = Json.object().put("role", "assistant");
        if (answer.callsTools()) {
            message.putNull("content");
        } else {
            message.put("content", answer.textContent());
        }
        if (!answer.reasoning().isEmpty()) {
            message.put(envelope.quirks().reasoningField(), answer.reasoningText());
        }
        if (answer.callsTools()) {
            ArrayNode calls = message.putArray("tool_calls");
            for (Answer.PlannedCall call : answer.toolCalls()) {
                ObjectNode c = calls.addObject()
                        .put("id", envelope.quirks().toolCallId(call.idSeed()))
                        .put("type", "function");
                c.putObject("function").put("name", call.name()).put("arguments", call.arguments());
            }
        }
        if (envelope.quirks().openAiExtras()) {
            message.putNull("refusal");
        }
        ObjectNode choice = Json.object().put("index", 0);
        choice.set("message", message);
        choice.putNull("logprobs");
        choice.put("finish_reason", finishReason(answer));
        ObjectNode out = envelope.of("chat.completion");
        out.set("choices", Json.array().add(choice));
        out.set("usage", usage(answer, envelope.quirks()));
        return out;
    }

    private static Frames frames(Envelope envelope, Answer answer, boolean includeUsage) {
        Quirks quirks = envelope.quirks();
        Frames.Builder frames = Frames.builder();
        ObjectNode role = Json.object().put("role", "assistant");
        if (answer.callsTools()) {
            role.putNull("content");
        } else {
            role.put("content", "");
        }
        frames.frame(Sse.data(chunk(envelope, role, null)));
        for (String piece : answer.reasoning()) {
            frames.token(Sse.data(chunk(envelope, Json.object().put(quirks.reasoningField(), piece), null)));
        }
        for (String piece : answer.text()) {
            frames.token(Sse.data(chunk(envelope, Json.object().put("content", piece), null)));
        }
        List<Answer.PlannedCall> calls = answer.toolCalls();
        for (int i = 0; i < calls.size(); i++) {
            Answer.PlannedCall call = calls.get(i);
            ObjectNode start = Json.object()
                    .put("index", i)
                    .put("id", quirks.toolCallId(call.idSeed()))
                    .put("type", "function");
            if (quirks.wholeToolCalls()) {
                start.putObject("function").put("name", call.name()).put("arguments", call.arguments());
                frames.token(Sse.data(chunk(
                        envelope,
                        (ObjectNode)
                                Json.object().set("tool_calls", Json.array().add(start)),
                        null)));
                continue;
            }
            start.putObject("function").put("name", call.name()).put("arguments", "");
            frames.frame(Sse.data(chunk(
                    envelope,
                    (ObjectNode) Json.object().set("tool_calls", Json.array().add(start)),
                    null)));
            for (String fragment : call.fragments()) {
                ObjectNode delta = Json.object().put("index", i);
                delta.putObject("function").put("arguments", fragment);
                frames.token(Sse.data(chunk(
                        envelope,
                        (ObjectNode)
                                Json.object().set("tool_calls", Json.array().add(delta)),
                        null)));
            }
        }
        ObjectNode finish = chunk(envelope, Json.object(), finishReason(answer));
        if (quirks.usageAlways()) {
            finish.set("usage", usage(answer, envelope.quirks()));
        }
        frames.frame(Sse.data(finish));
        if (includeUsage && !quirks.usageAlways()) {
            ObjectNode last = envelope.of("chat.completion.chunk");
            last.set("choices", Json.array());
            last.set("usage", usage(answer, envelope.quirks()));
            frames.frame(Sse.data(last));
        }
        frames.frame(Buffer.buffer("data: [DONE]\n\n"));
        ObjectNode streamError = Json.object()
                .put("message", "The server had an error while processing your request.")
                .put("type", "server_error");
        streamError.putNull("param");
        streamError.putNull("code");
        return frames.build(
                "text/event-stream",
                Buffer.buffer(
                        "data: {\"id\":\"" + envelope.id()
                                + "\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\n\n"),
                Sse.data(Json.object().set("error", streamError)));
    }

    private static ObjectNode chunk(Envelope envelope, ObjectNode delta, String finish) {
        ObjectNode choice = Json.object().put("index", 0);
        choice.set("delta", delta);
        choice.putNull("logprobs");
        if (finish == null) {
            choice.putNull("finish_reason");
        } else {
            choice.put("finish_reason", finish);
        }
        ObjectNode out = envelope.of("chat.completion.chunk");
        out.set("choices", Json.array().add(choice));
        return out;
    }

    private static String finishReason(Answer answer) {
        return switch (answer.finish()) {
            case STOP -> "stop";
            case LENGTH -> "length";
            case TOOL_CALLS -> "tool_calls";
        };
    }

    private static ObjectNode usage(Answer answer, Quirks quirks) {
        int completion = answer.outputTokens();
        ObjectNode usage = Json.object()
                .put("prompt_tokens", answer.promptTokens())
                .put("completion_tokens", completion)
                .put("total_tokens", answer.promptTokens() + completion);
        if (quirks.openAiExtras()) {
            usage.set("prompt_tokens_details", Json.object().put("cached_tokens", 0));
            usage.set("completion_tokens_details", Json.object().put("reasoning_tokens", answer.reasoningTokens()));
        }
        return usage;
    }

    /** One deterministic unit vector per input (1536 dimensions unless asked otherwise). */
    private void embeddings(Exchange exchange, String deployment) {
        ObjectNode body = body(exchange, deployment);
        if (body == null) {
            return;
        }
        JsonNode input = body.path("input");
        boolean hasModel = deployment != null || body.path("model").isTextual();
        if (!hasModel || !(input.isTextual() || input.isArray()) || input.isEmpty() && input.isArray()) {
            exchange.reply(badRequest(exchange, "model and input are required"));
            return;
        }
        if (exchange.failureInjected()) {
            return;
        }
        List<String> texts = new ArrayList<>();
        if (input.isTextual()) {
            texts.add(input.asText());
        } else {
            input.forEach(n -> texts.add(n.asText()));
        }
        int dimensions = Vectors.dimensions(body.path("dimensions").asInt(1536));
        ObjectNode out = Json.object();
        if (!exchange.quirks().openAiExtras()) {
            // Mistral's embedding answers carry an id, and usage counts completion tokens (always none)
            out.put("id", "embd-" + Ids.alphanumeric(exchange.serial(), 24));
        }
        out.put("object", "list")
                .put(
                        "model",
                        deployment != null ? deployment : body.path("model").asText());
        ArrayNode data = out.putArray("data");
        int tokens = 0;
        for (int i = 0; i < texts.size(); i++) {
            tokens += Tokens.count(texts.get(i));
            data.addObject()
                    .put("object", "embedding")
                    .put("index", i)
                    .set("embedding", Vectors.unit(texts.get(i), dimensions));
        }
        ObjectNode usage = out.putObject("usage").put("prompt_tokens", tokens);
        if (!exchange.quirks().openAiExtras()) {
            usage.put("completion_tokens", 0);
        }
        usage.put("total_tokens", tokens);
        exchange.answer(Reply.json(200, out));
    }
}
