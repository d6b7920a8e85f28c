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
import dev.switchboard.simulator.Tokens;
import dev.switchboard.simulator.Vectors;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

/**
 * Cohere v2 ({@code .../v2/chat}, streamed or not, and {@code .../v2/embed}): bearer token, a tool
 * plan before tool calls, typed SSE events. Cohere documents no separate in-stream error event: a
 * stream that fails ends with {@code message-end} whose {@code finish_reason} is {@code ERROR} and
 * whose {@code delta.error} says why, which is what the stream-error fault sends.
 */
public final class CohereFamily implements Family {

    @Override
    public String name() {
        return "cohere";
    }

    @Override
    public Operation route(HttpMethod method, String rest, MultiMap headers) {
        if (!HttpMethod.POST.equals(method)) {
            return null;
        }
        if (rest.endsWith("/v2/chat")) {
            return this::chat;
        }
        return rest.endsWith("/v2/embed") ? this::embed : null;
    }

    @Override
    public Optional<Reply> authenticate(Exchange exchange, String credential) {
        return ("Bearer " + credential).equals(exchange.header("Authorization"))
                ? Optional.empty()
                : Optional.of(error(exchange, 401, null, "invalid api token"));
    }

    @Override
    public Reply error(Exchange exchange, int status, String code, String message) {
        return Reply.json(status, Json.object().put("id", id(exchange.serial())).put("message", message));
    }

    private static String id(long seed) {
        return UUID.nameUUIDFromBytes(Long.toString(seed).getBytes(StandardCharsets.UTF_8))
                .toString();
    }

    private void chat(Exchange exchange) {
        ObjectNode body = exchange.json();
        if (body == null) {
            exchange.reply(error(exchange, 400, null, "invalid request: the body is not valid JSON"));
            return;
        }
        JsonNode messages = body.path("messages");
        if (!body.path("model").isTextual() || !messages.isArray() || messages.isEmpty()) {
            exchange.reply(error(exchange, 400, null, "invalid request: model and messages must be specified"));
            return;
        }
        if (exchange.failureInjected()) {
            return;
        }
        String model = body.path("model").asText();
        Conversation conversation = conversation(body, model);
        Answer answer = Planner.plan(conversation, exchange.behaviour().tokens());
        Rendering r = new Rendering(id(conversation.seed() ^ exchange.serial()), answer);
        if (body.path("stream").asBoolean(false)) {
            exchange.stream(frames(r));
        } else {
            exchange.answer(Reply.json(200, response(r)));
        }
    }

    private static Conversation conversation(JsonNode body, String model) {
        JsonNode messages = body.path("messages");
        String lastRole = messages.get(messages.size() - 1).path("role").asText();
        String result = null;
        if (lastRole.equals("tool")) {
            int first = messages.size() - 1;
            while (first > 0 && messages.get(first - 1).path("role").asText().equals("tool")) {
                first--;
            }
            result = toolResultText(messages.get(first).path("content"));
        }
        List<Conversation.Tool> tools = new ArrayList<>();
        body.path("tools")
                .forEach(t -> tools.add(new Conversation.Tool(
                        t.path("function").path("name").asText(),
                        t.path("function").path("parameters"))));
        Conversation.ToolChoice choice =
                switch (body.path("tool_choice").asText("").toUpperCase(Locale.ROOT)) {
                    case "NONE" -> Conversation.ToolChoice.NONE;
                    case "REQUIRED" -> Conversation.ToolChoice.REQUIRED;
                    default -> Conversation.ToolChoice.AUTO;
                };
        Conversation.Turn turn = lastRole.equals("tool")
                ? Conversation.Turn.TOOL_RESULT
                : lastRole.equals("user") ? Conversation.Turn.USER : Conversation.Turn.OTHER;
        return new Conversation(
                model,
                Conversation.seed(model, messages, body.path("seed").asText("")),
                Tokens.ofText(messages),
                body.path("max_tokens").asInt(Conversation.NO_LIMIT),
                tools,
                choice,
                true,
                turn,
                result,
                body.path("thinking").path("type").asText().equals("enabled"));
    }

    /** A tool message's content: text, or a document's data as compact JSON. */
    private static String toolResultText(JsonNode content) {
        if (content.isArray() && !content.isEmpty() && content.get(0).has("document")) {
            JsonNode data = content.get(0).path("document").path("data");
            return data.isTextual() ? data.asText() : data.toString();
        }
        return Json.text(content);
    }

    private record Rendering(String id, Answer answer) {

        String finishReason() {
            return switch (answer.finish()) {
                case STOP -> "COMPLETE";
                case LENGTH -> "MAX_TOKENS";
                case TOOL_CALLS -> "TOOL_CALL";
            };
        }

        /** Cohere explains its tool calls first. */
        List<String> toolPlan() {
            List<String> words = new ArrayList<>(List.of("I", " will", " call"));
            List<Answer.PlannedCall> calls = answer.toolCalls();
            for (int i = 0; i < calls.size(); i++) {
                words.add((i == 0 ? " " : " and ") + calls.get(i).name());
            }
            words.add(".");
            return words;
        }

        String toolCallId(Answer.PlannedCall call) {
            return call.name() + "_" + Ids.alphanumeric(call.idSeed(), 12).toLowerCase(Locale.ROOT);
        }

        ObjectNode usage() {
            int output = answer.outputTokens() + (answer.callsTools() ? Tokens.count(String.join("", toolPlan())) : 0);
            ObjectNode usage = Json.object();
            usage.putObject("billed_units")
                    .put("input_tokens", answer.promptTokens())
                    .put("output_tokens", output);
            usage.putObject("tokens").put("input_tokens", answer.promptTokens()).put("output_tokens", output);
            return usage;
        }
    }

    private static ObjectNode response(Rendering r) {
        Answer answer = r.answer();
        ObjectNode out = Json.object().put("id", r.id()).put("finish_reason", r.finishReason());
        ObjectNode message = out.putObject("message").put("role", "assistant");
        if (answer.callsTools()) {
            message.put("tool_plan", String.join("", r.toolPlan()));
            ArrayNode calls = message.putArray("tool_calls");
            for (Answer.PlannedCall call : answer.toolCalls()) {
                ObjectNode c = calls.addObject().put("id", r.toolCallId(call)).put("type", "function");
                c.putObject("function").put("name", call.name()).put("arguments", call.arguments());
            }
        } else {
            ArrayNode content = message.putArray("content");
            if (!answer.reasoning().isEmpty()) {
                content.addObject().put("type", "thinking").put("thinking", answer.reasoningText());
            }
            content.addObject().put("type", "text").put("text", answer.textContent());
        }
        out.set("usage", r.usage());
        return out;
    }

    private static Frames frames(Rendering r) {
        Answer answer = r.answer();
        Frames.Builder frames = Frames.builder();
        ObjectNode startMessage = Json.object().put("role", "assistant");
        startMessage.putArray("content");
        startMessage.put("tool_plan", "");
        startMessage.putArray("tool_calls");
        startMessage.putArray("citations");
        frames.frame(
                event("message-start", Json.object().put("id", r.id()).put("type", "message-start"), null, (ObjectNode)
                        Json.object().set("message", startMessage)));
        int index = 0;
        if (!answer.reasoning().isEmpty()) {
            frames.frame(
                    contentStart(index, Json.object().put("type", "thinking").put("thinking", "")));
            for (String piece : answer.reasoning()) {
                frames.token(contentDelta(index, Json.object().put("thinking", piece)));
            }
            frames.frame(event("content-end", Json.object().put("type", "content-end"), index, null));
            index++;
        }
        if (answer.callsTools()) {
            for (String piece : r.toolPlan()) {
                frames.token(event(
                        "tool-plan-delta",
                        Json.object().put("type", "tool-plan-delta"),
                        null,
                        message(Json.object().put("tool_plan", piece))));
            }
            List<Answer.PlannedCall> calls = answer.toolCalls();
            for (int i = 0; i < calls.size(); i++) {
                Answer.PlannedCall call = calls.get(i);
                ObjectNode start = Json.object().put("id", r.toolCallId(call)).put("type", "function");
                start.putObject("function").put("name", call.name()).put("arguments", "");
                frames.frame(
                        event("tool-call-start", Json.object().put("type", "tool-call-start"), i, message((ObjectNode)
                                Json.object().set("tool_calls", start))));
                for (String fragment : call.fragments()) {
                    ObjectNode delta = Json.object();
                    delta.putObject("function").put("arguments", fragment);
                    frames.token(event(
                            "tool-call-delta", Json.object().put("type", "tool-call-delta"), i, message((ObjectNode)
                                    Json.object().set("tool_calls", delta))));
                }
                frames.frame(event("tool-call-end", Json.object().put("type", "tool-call-end"), i, null));
            }
        } else {
            frames.frame(contentStart(index, Json.object().put("type", "text").put("text", "")));
            for (String piece : answer.text()) {
                frames.token(contentDelta(index, Json.object().put("text", piece)));
            }
            frames.frame(event("content-end", Json.object().put("type", "content-end"), index, null));
        }
        ObjectNode end = Json.object().put("finish_reason", r.finishReason());
        end.set("usage", r.usage());
        frames.frame(event("message-end", Json.object().put("type", "message-end"), null, end));
        ObjectNode failed = Json.object().put("finish_reason", "ERROR").put("error", "internal server error");
        failed.set("usage", r.usage());
        return frames.build(
                "text/event-stream",
                Buffer.buffer(
                        "event: content-delta\ndata: {\"type\":\"content-delta\",\"index\":0,\"delta\":{\"message\":\n\n"),
                event("message-end", Json.object().put("type", "message-end"), null, failed));
    }

    private static Buffer contentStart(int index, ObjectNode content) {
        return event("content-start", Json.object().put("type", "content-start"), index, message((ObjectNode)
                Json.object().set("content", content)));
    }

    private static Buffer contentDelta(int index, ObjectNode content) {
        return event("content-delta", Json.object().put("type", "content-delta"), index, message((ObjectNode)
                Json.object().set("content", content)));
    }

    private static ObjectNode message(ObjectNode message) {
        return (ObjectNode) Json.object().set("message", message);
    }

    /** {@code event: <type>} with data {@code head} plus {@code index} and {@code delta} when given. */
    private static Buffer event(String type, ObjectNode head, Integer index, ObjectNode delta) {
        if (index != null) {
            head.put("index", index);
        }
        if (delta != null) {
            head.set("delta", delta);
        }
        return Sse.event(type, head);
    }

    private void embed(Exchange exchange) {
        ObjectNode body = exchange.json();
        if (body == null
                || !body.path("model").isTextual()
                || !body.path("texts").isArray()
                || body.path("texts").isEmpty()) {
            exchange.reply(error(exchange, 400, null, "invalid request: model and texts must be specified"));
            return;
        }
        if (exchange.failureInjected()) {
            return;
        }
        String model = body.path("model").asText();
        int dimensions = Vectors.dimensions(body.path("output_dimension").asInt(model.contains("v4") ? 1536 : 1024));
        ObjectNode out = Json.object().put("id", id(exchange.serial()));
        ArrayNode vectors = out.putObject("embeddings").putArray("float");
        int tokens = 0;
        for (JsonNode text : body.path("texts")) {
            tokens += Tokens.count(text.asText());
            vectors.add(Vectors.unit(text.asText(), dimensions));
        }
        out.set("texts", body.path("texts"));
        ObjectNode meta = out.putObject("meta");
        meta.putObject("api_version").put("version", "2");
        meta.putObject("billed_units").put("input_tokens", tokens);
        out.put("response_type", "embeddings_by_type");
        exchange.answer(Reply.json(200, out));
    }
}
