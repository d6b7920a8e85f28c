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
import dev.switchboard.simulator.Reply;
import dev.switchboard.simulator.Signatures;
import dev.switchboard.simulator.Tokens;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Anthropic Messages ({@code POST .../v1/messages}): {@code x-api-key} and {@code anthropic-version}
 * headers, {@code max_tokens} required, content blocks (thinking with signatures, text, tool_use)
 * and the named SSE event sequence. With thinking enabled, the assistant turns of the current tool
 * loop must start with the thinking block the simulator signed, as Anthropic requires.
 */
public final class AnthropicFamily implements Family {

    private static final String EVENT_STREAM = "text/event-stream; charset=utf-8";

    @Override
    public String name() {
        return "anthropic";
    }

    @Override
    public Operation route(HttpMethod method, String rest, MultiMap headers) {
        if (HttpMethod.GET.equals(method) && rest.endsWith("/v1/models") && headers.contains("anthropic-version")) {
            return this::models;
        }
        return HttpMethod.POST.equals(method) && rest.endsWith("/v1/messages") ? this::messages : null;
    }

    @Override
    public Optional<Reply> authenticate(Exchange exchange, String credential) {
        return credential.equals(exchange.header("x-api-key"))
                ? Optional.empty()
                : Optional.of(error(exchange, 401, null, "invalid x-api-key"));
    }

    @Override
    public Reply error(Exchange exchange, int status, String code, String message) {
        return Reply.json(status, errorBody(code != null ? code : type(status), message));
    }

    private static ObjectNode errorBody(String type, String message) {
        ObjectNode body = Json.object().put("type", "error");
        body.putObject("error").put("type", type).put("message", message);
        // the id Anthropic's support asks for; random here, as no request is stored
        body.put(
                "request_id",
                "req_" + Ids.alphanumeric(ThreadLocalRandom.current().nextLong(), 24));
        return body;
    }

    private static String type(int status) {
        return switch (status) {
            case 400 -> "invalid_request_error";
            case 401 -> "authentication_error";
            case 403 -> "permission_error";
            case 404 -> "not_found_error";
            case 413 -> "request_too_large";
            case 429 -> "rate_limit_error";
            case 503, 529 -> "overloaded_error";
            default -> "api_error";
        };
    }

    /** {@code GET /v1/models}: the list page shape; health probes only read the status. */
    private void models(Exchange exchange) {
        if (exchange.failureInjected()) {
            return;
        }
        ObjectNode page =
                Json.object().put("has_more", false).putNull("first_id").putNull("last_id");
        page.putArray("data");
        exchange.answer(Reply.json(200, page));
    }

    private void messages(Exchange exchange) {
        if (exchange.header("anthropic-version") == null) {
            exchange.reply(error(exchange, 400, null, "anthropic-version: header is required"));
            return;
        }
        ObjectNode body = exchange.json();
        if (body == null) {
            exchange.reply(error(exchange, 400, null, "There was an error parsing the body of your request as JSON."));
            return;
        }
        JsonNode messages = body.path("messages");
        String missing = !body.path("model").isTextual()
                ? "model"
                : !body.path("max_tokens").isIntegralNumber()
                        ? "max_tokens"
                        : !messages.isArray() || messages.isEmpty() ? "messages" : null;
        if (missing != null) {
            exchange.reply(error(exchange, 400, null, missing + ": Field required"));
            return;
        }
        boolean thinking = body.path("thinking").path("type").asText().equals("enabled");
        if (thinking) {
            Optional<String> problem = thinkingProblem(messages, exchange.signatures());
            if (problem.isPresent()) {
                exchange.reply(error(exchange, 400, null, problem.get()));
                return;
            }
        }
        if (exchange.failureInjected()) {
            return;
        }
        String model = body.path("model").asText();
        Conversation conversation = conversation(body, model, thinking);
        Answer answer = Planner.plan(conversation, exchange.behaviour().tokens());
        Rendering r = new Rendering(
                "msg_" + Ids.alphanumeric(conversation.seed() ^ exchange.serial(), 24),
                model,
                answer,
                thinking ? exchange.signatures().sign(answer.reasoningText()) : null);
        if (body.path("stream").asBoolean(false)) {
            exchange.stream(frames(r));
        } else {
            exchange.answer(Reply.json(200, message(r)));
        }
    }

    /** Where a lost or altered thinking signature shows: see {@link ThinkingRoundTrip}. */
    private static Optional<String> thinkingProblem(JsonNode messages, Signatures signatures) {
        return ThinkingRoundTrip.problem(
                messages,
                signatures,
                block -> block.path("type").asText().equals("tool_result"),
                block -> block.path("type").asText().equals("tool_use"),
                (index, first) -> new ThinkingRoundTrip.FirstBlock(
                        index,
                        first.path("type").asText(),
                        first.path("thinking").asText(),
                        first.path("signature").asText(null)));
    }

    private static Conversation conversation(JsonNode body, String model, boolean thinking) {
        JsonNode messages = body.path("messages");
        JsonNode last = messages.get(messages.size() - 1);
        Conversation.Turn turn = Conversation.Turn.OTHER;
        String result = null;
        if (last.path("role").asText().equals("user")) {
            turn = Conversation.Turn.USER;
            for (JsonNode block : last.path("content")) {
                if (block.path("type").asText().equals("tool_result")) {
                    turn = Conversation.Turn.TOOL_RESULT;
                    result = Json.text(block.path("content"));
                    break;
                }
            }
        }
        List<Conversation.Tool> tools = new ArrayList<>();
        body.path("tools")
                .forEach(t -> tools.add(new Conversation.Tool(t.path("name").asText(), t.path("input_schema"))));
        JsonNode choice = body.path("tool_choice");
        Conversation.ToolChoice toolChoice = switch (choice.path("type").asText("auto")) {
            case "none" -> Conversation.ToolChoice.NONE;
            case "any" -> Conversation.ToolChoice.REQUIRED;
            case "tool" -> Conversation.ToolChoice.forced(choice.path("name").asText());
            default -> Conversation.ToolChoice.AUTO;
        };
        return new Conversation(
                model,
                Conversation.seed(model, messages, ""),
                Tokens.ofText(body.path("system"), messages),
                body.path("max_tokens").asInt(),
                tools,
                toolChoice,
                !choice.path("disable_parallel_tool_use").asBoolean(false),
                turn,
                result,
                thinking);
    }

    /** @param signature the thinking block's signature, null when thinking is off */
    private record Rendering(String id, String model, Answer answer, String signature) {

        String stopReason() {
            return switch (answer.finish()) {
                case STOP -> "end_turn";
                case LENGTH -> "max_tokens";
                case TOOL_CALLS -> "tool_use";
            };
        }

        String toolId(Answer.PlannedCall call) {
            return "toolu_" + Ids.alphanumeric(call.idSeed(), 24);
        }
    }

    private static ObjectNode message(Rendering r) {
        Answer answer = r.answer();
        ObjectNode out = Json.object()
                .put("id", r.id())
                .put("type", "message")
                .put("role", "assistant")
                .put("model", r.model());
        ArrayNode content = out.putArray("content");
        if (r.signature() != null) {
            content.addObject()
                    .put("type", "thinking")
                    .put("thinking", answer.reasoningText())
                    .put("signature", r.signature());
        }
        if (answer.callsTools()) {
            for (Answer.PlannedCall call : answer.toolCalls()) {
                ObjectNode block = toolUse(r, call);
                block.set("input", call.argumentsJson());
                content.add(block);
            }
        } else {
            content.add(text(answer.textContent()));
        }
        stop(out, r.stopReason());
        out.set("usage", usage(answer.promptTokens(), answer.outputTokens()));
        return out;
    }

    /** A text block; no document was cited, and the API says so with an explicit null. */
    private static ObjectNode text(String text) {
        ObjectNode block = Json.object().put("type", "text").put("text", text);
        block.putNull("citations");
        return block;
    }

    /** A tool_use block without its input, called by the model itself (not by a server tool). */
    private static ObjectNode toolUse(Rendering r, Answer.PlannedCall call) {
        ObjectNode block =
                Json.object().put("type", "tool_use").put("id", r.toolId(call)).put("name", call.name());
        block.putObject("caller").put("type", "direct");
        return block;
    }

    /** The stop fields of a message or message_delta; no refusal details and no container here. */
    private static void stop(ObjectNode out, String stopReason) {
        if (stopReason == null) {
            out.putNull("stop_reason");
        } else {
            out.put("stop_reason", stopReason);
        }
        out.putNull("stop_sequence");
        out.putNull("stop_details");
        out.putNull("container");
    }

    private static ObjectNode usage(int input, int output) {
        ObjectNode usage = Json.object()
                .put("input_tokens", input)
                .put("cache_creation_input_tokens", 0)
                .put("cache_read_input_tokens", 0);
        usage.putObject("cache_creation").put("ephemeral_1h_input_tokens", 0).put("ephemeral_5m_input_tokens", 0);
        usage.put("output_tokens", output);
        usage.putNull("server_tool_use");
        usage.put("service_tier", "standard");
        usage.putNull("inference_geo");
        return usage;
    }

    private static Frames frames(Rendering r) {
        Answer answer = r.answer();
        Frames.Builder frames = Frames.builder();
        ObjectNode start = Json.object()
                .put("id", r.id())
                .put("type", "message")
                .put("role", "assistant")
                .put("model", r.model());
        start.putArray("content");
        stop(start, null);
        start.set("usage", usage(answer.promptTokens(), 1));
        frames.frame(Sse.event(
                "message_start", Json.object().put("type", "message_start").set("message", start)));
        frames.frame(Sse.event("ping", Json.object().put("type", "ping")));
        int index = 0;
        if (r.signature() != null) {
            frames.frame(blockStart(
                    index,
                    Json.object().put("type", "thinking").put("thinking", "").put("signature", "")));
            for (String piece : answer.reasoning()) {
                frames.token(blockDelta(
                        index, Json.object().put("type", "thinking_delta").put("thinking", piece)));
            }
            frames.frame(blockDelta(
                    index, Json.object().put("type", "signature_delta").put("signature", r.signature())));
            frames.frame(blockStop(index++));
        }
        if (answer.callsTools()) {
            for (Answer.PlannedCall call : answer.toolCalls()) {
                ObjectNode block = toolUse(r, call);
                block.putObject("input");
                frames.frame(blockStart(index, block));
                for (String fragment : call.fragments()) {
                    frames.token(blockDelta(
                            index, Json.object().put("type", "input_json_delta").put("partial_json", fragment)));
                }
                frames.frame(blockStop(index++));
            }
        } else {
            frames.frame(blockStart(index, text("")));
            for (String piece : answer.text()) {
                frames.token(blockDelta(
                        index, Json.object().put("type", "text_delta").put("text", piece)));
            }
            frames.frame(blockStop(index));
        }
        ObjectNode delta = Json.object();
        stop(delta, r.stopReason());
        ObjectNode messageDelta = Json.object().put("type", "message_delta");
        messageDelta.set("delta", delta);
        // cumulative counts, as the API reports them at the end of a stream
        ObjectNode usage = messageDelta
                .putObject("usage")
                .put("input_tokens", answer.promptTokens())
                .put("cache_creation_input_tokens", 0)
                .put("cache_read_input_tokens", 0)
                .put("output_tokens", answer.outputTokens());
        usage.putNull("server_tool_use");
        frames.frame(Sse.event("message_delta", messageDelta));
        frames.frame(Sse.event("message_stop", Json.object().put("type", "message_stop")));
        return frames.build(
                EVENT_STREAM,
                Buffer.buffer(
                        "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\n\n"),
                Sse.event("error", errorBody("overloaded_error", "Overloaded")));
    }

    private static Buffer blockStart(int index, ObjectNode block) {
        return Sse.event(
                "content_block_start",
                Json.object()
                        .put("type", "content_block_start")
                        .put("index", index)
                        .set("content_block", block));
    }

    private static Buffer blockDelta(int index, ObjectNode delta) {
        return Sse.event(
                "content_block_delta",
                Json.object()
                        .put("type", "content_block_delta")
                        .put("index", index)
                        .set("delta", delta));
    }

    private static Buffer blockStop(int index) {
        return Sse.event(
                "content_block_stop",
                Json.object().put("type", "content_block_stop").put("index", index));
    }
}
