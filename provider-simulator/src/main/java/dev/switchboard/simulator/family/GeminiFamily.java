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
 * Gemini ({@code .../models/{model}:generateContent}, {@code :streamGenerateContent} (SSE with
 * {@code alt=sse}, else a streamed JSON array), {@code :embedContent}, {@code :batchEmbedContents}):
 * key in {@code x-goog-api-key} or query {@code key}. Models of version 2.5 and 3 put a
 * {@code thoughtSignature} on the first functionCall of a response and require it back.
 */
public final class GeminiFamily implements Family {

    private static final Pattern PATH = Pattern.compile(
            "/models/([^/:]+):(generateContent|streamGenerateContent|embedContent|batchEmbedContents)$");
    /** A version token 2.5 or 3 in the model name (gemini-2.5-flash, gemini-3-pro-preview), not any digit 3. */
    private static final Pattern SIGNING_MODEL = Pattern.compile("(^|[^0-9.])(2\\.5|3)([^0-9]|$)");

    private static final String CRLF_SEPARATOR = "\r\n,\r\n";

    @Override
    public String name() {
        return "gemini";
    }

    @Override
    public Operation route(HttpMethod method, String rest, MultiMap headers) {
        if (HttpMethod.GET.equals(method) && rest.endsWith("/models") && headers.contains("x-goog-api-key")) {
            return this::models;
        }
        Matcher m = PATH.matcher(rest);
        if (!HttpMethod.POST.equals(method) || !m.find()) {
            return null;
        }
        String model = UriEncoding.decode(m.group(1));
        return switch (m.group(2)) {
            case "generateContent" -> ex -> generate(ex, model, false);
            case "streamGenerateContent" -> ex -> generate(ex, model, true);
            case "embedContent" -> ex -> embed(ex, model);
            default -> ex -> batchEmbed(ex, model);
        };
    }

    @Override
    public Optional<Reply> authenticate(Exchange exchange, String credential) {
        String header = exchange.header("x-goog-api-key");
        String presented = header != null ? header : exchange.query("key");
        return credential.equals(presented)
                ? Optional.empty()
                : Optional.of(error(exchange, 401, null, "API key not valid. Please pass a valid API key."));
    }

    @Override
    public Reply error(Exchange exchange, int status, String code, String message) {
        return Reply.json(status, errorBody(status, code != null ? code : statusName(status), message));
    }

    private static ObjectNode errorBody(int status, String statusName, String message) {
        ObjectNode body = Json.object();
        body.putObject("error").put("code", status).put("message", message).put("status", statusName);
        return body;
    }

    private static String statusName(int status) {
        return switch (status) {
            case 400 -> "INVALID_ARGUMENT";
            case 401 -> "UNAUTHENTICATED";
            case 403 -> "PERMISSION_DENIED";
            case 404 -> "NOT_FOUND";
            case 429 -> "RESOURCE_EXHAUSTED";
            case 500 -> "INTERNAL";
            case 503 -> "UNAVAILABLE";
            case 504 -> "DEADLINE_EXCEEDED";
            default -> "UNKNOWN";
        };
    }

    /** {@code GET /models}: the list shape; health probes only read the status. */
    private void models(Exchange exchange) {
        if (exchange.failureInjected()) {
            return;
        }
        ObjectNode list = Json.object();
        list.putArray("models");
        exchange.answer(Reply.json(200, list));
    }

    private void generate(Exchange exchange, String model, boolean stream) {
        ObjectNode body = exchange.json();
        if (body == null) {
            exchange.reply(error(exchange, 400, null, "Invalid JSON payload received."));
            return;
        }
        JsonNode contents = body.path("contents");
        if (!contents.isArray() || contents.isEmpty()) {
            exchange.reply(error(exchange, 400, null, "* GenerateContentRequest.contents: contents is not specified"));
            return;
        }
        boolean signing = SIGNING_MODEL.matcher(model).find();
        if (signing) {
            Optional<String> problem = signatureProblem(contents, exchange.signatures());
            if (problem.isPresent()) {
                exchange.reply(error(exchange, 400, null, problem.get()));
                return;
            }
        }
        if (exchange.failureInjected()) {
            return;
        }
        Conversation conversation = conversation(body, model);
        Answer answer = Planner.plan(conversation, exchange.behaviour().tokens());
        Rendering r = new Rendering(
                model,
                Ids.alphanumeric(conversation.seed() ^ exchange.serial(), 22),
                answer,
                signing ? exchange.signatures() : null);
        if (!stream) {
            exchange.answer(Reply.json(200, response(r, r.allParts(), true)));
        } else if ("sse".equals(exchange.query("alt"))) {
            exchange.stream(sse(r));
        } else {
            exchange.stream(jsonArray(r));
        }
    }

    /**
     * Gemini's check that makes a lost thoughtSignature visible: in the current turn (after the last
     * user content that is not function responses), the first functionCall of each model content
     * must carry the signature issued for that call.
     */
    private static Optional<String> signatureProblem(JsonNode contents, Signatures signatures) {
        int start = 0;
        for (int i = 0; i < contents.size(); i++) {
            JsonNode c = contents.get(i);
            if (!c.path("role").asText("user").equals("model") && !hasPart(c, "functionResponse")) {
                start = i + 1;
            }
        }
        for (int i = start; i < contents.size(); i++) {
            JsonNode c = contents.get(i);
            if (!c.path("role").asText().equals("model")) {
                continue;
            }
            for (JsonNode part : c.path("parts")) {
                if (part.has("functionCall")) {
                    JsonNode call = part.path("functionCall");
                    String signature = part.path("thoughtSignature").asText(null);
                    if (signature == null) {
                        return Optional.of(
                                "Function call is missing a thought_signature in functionCall parts. This is required for tools to work "
                                        + "correctly, and missing thought_signature may lead to degraded model performance. Additional data, function call `default_api:"
                                        + call.path("name").asText() + "` , position " + (i + 1) + ". Please refer to "
                                        + "https://ai.google.dev/gemini-api/docs/thought-signatures for more details.");
                    }
                    if (!signatures.valid(signed(call.path("name").asText(), call.path("args")), signature)) {
                        return Optional.of("Corrupted thought signature.");
                    }
                    break;
                }
            }
        }
        return Optional.empty();
    }

    private static String signed(String name, JsonNode args) {
        return name + Json.canonical(args.isMissingNode() ? Json.object() : args);
    }

    private static boolean hasPart(JsonNode content, String kind) {
        for (JsonNode part : content.path("parts")) {
            if (part.has(kind)) {
                return true;
            }
        }
        return false;
    }

    private static Conversation conversation(JsonNode body, String model) {
        JsonNode contents = body.path("contents");
        JsonNode last = contents.get(contents.size() - 1);
        Conversation.Turn turn =
                last.path("role").asText("user").equals("model") ? Conversation.Turn.OTHER : Conversation.Turn.USER;
        String result = null;
        for (JsonNode part : last.path("parts")) {
            if (turn == Conversation.Turn.USER && part.has("functionResponse")) {
                turn = Conversation.Turn.TOOL_RESULT;
                result = part.path("functionResponse").path("response").toString();
                break;
            }
        }
        List<Conversation.Tool> tools = new ArrayList<>();
        for (JsonNode tool : body.path("tools")) {
            for (JsonNode f : tool.path("functionDeclarations")) {
                tools.add(new Conversation.Tool(
                        f.path("name").asText(),
                        f.has("parametersJsonSchema") ? f.path("parametersJsonSchema") : f.path("parameters")));
            }
        }
        JsonNode calling = body.path("toolConfig").path("functionCallingConfig");
        Conversation.ToolChoice choice = switch (calling.path("mode").asText("AUTO")) {
            case "NONE" -> Conversation.ToolChoice.NONE;
            case "ANY" ->
                calling.path("allowedFunctionNames").size() == 1
                        ? Conversation.ToolChoice.forced(
                                calling.path("allowedFunctionNames").get(0).asText())
                        : Conversation.ToolChoice.REQUIRED;
            default -> Conversation.ToolChoice.AUTO;
        };
        JsonNode generation = body.path("generationConfig");
        return new Conversation(
                model,
                Conversation.seed(model, contents, generation.path("seed").asText("")),
                Tokens.ofText(body.path("systemInstruction"), contents),
                generation.path("maxOutputTokens").asInt(Conversation.NO_LIMIT),
                tools,
                choice,
                true,
                turn,
                result,
                generation.path("thinkingConfig").path("includeThoughts").asBoolean(false));
    }

    /** @param signatures non-null for models that sign their function calls */
    private record Rendering(String model, String responseId, Answer answer, Signatures signatures) {

        ObjectNode callPart(int index) {
            Answer.PlannedCall call = answer.toolCalls().get(index);
            ObjectNode part = Json.object();
            ObjectNode functionCall = part.putObject("functionCall")
                    .put("id", Ids.alphanumeric(call.idSeed(), 16))
                    .put("name", call.name());
            functionCall.set("args", call.argumentsJson());
            if (signatures != null && index == 0) {
                part.put("thoughtSignature", signatures.sign(signed(call.name(), call.argumentsJson())));
            }
            return part;
        }

        List<ObjectNode> allParts() {
            List<ObjectNode> parts = new ArrayList<>();
            if (!answer.reasoning().isEmpty()) {
                parts.add(Json.object().put("text", answer.reasoningText()).put("thought", true));
            }
            if (answer.callsTools()) {
                for (int i = 0; i < answer.toolCalls().size(); i++) {
                    parts.add(callPart(i));
                }
            } else {
                parts.add(Json.object().put("text", answer.textContent()));
            }
            return parts;
        }
    }

    /** A GenerateContentResponse; {@code last} adds finishReason and usageMetadata. */
    private static ObjectNode response(Rendering r, List<ObjectNode> parts, boolean last) {
        Answer answer = r.answer();
        ObjectNode candidate = Json.object();
        ObjectNode content = candidate.putObject("content");
        ArrayNode partArray = content.putArray("parts");
        parts.forEach(partArray::add);
        content.put("role", "model");
        if (last) {
            candidate.put("finishReason", answer.finish() == Answer.Finish.LENGTH ? "MAX_TOKENS" : "STOP");
        }
        candidate.put("index", 0);
        ObjectNode out = Json.object();
        out.putArray("candidates").add(candidate);
        if (last) {
            ObjectNode usage = out.putObject("usageMetadata")
                    .put("promptTokenCount", answer.promptTokens())
                    .put("candidatesTokenCount", answer.visibleTokens())
                    .put("totalTokenCount", answer.promptTokens() + answer.outputTokens());
            if (answer.reasoningTokens() > 0) {
                usage.put("thoughtsTokenCount", answer.reasoningTokens());
            }
        }
        out.put("modelVersion", r.model()).put("responseId", r.responseId());
        return out;
    }

    /** The streamed responses in order: thought pieces, text pieces or one whole functionCall each, then the finish. */
    private static List<Chunk> chunks(Rendering r) {
        Answer answer = r.answer();
        List<Chunk> chunks = new ArrayList<>();
        for (String piece : answer.reasoning()) {
            chunks.add(new Chunk(
                    response(r, List.of(Json.object().put("text", piece).put("thought", true)), false), true));
        }
        for (String piece : answer.text()) {
            chunks.add(new Chunk(response(r, List.of(Json.object().put("text", piece)), false), true));
        }
        for (int i = 0; i < answer.toolCalls().size(); i++) {
            chunks.add(new Chunk(response(r, List.of(r.callPart(i)), false), true));
        }
        chunks.add(new Chunk(response(r, List.of(Json.object().put("text", "")), true), false));
        return chunks;
    }

    private record Chunk(ObjectNode json, boolean token) {}

    private static Frames sse(Rendering r) {
        Frames.Builder frames = Frames.builder();
        for (Chunk chunk : chunks(r)) {
            Buffer bytes = Sse.dataCrlf(chunk.json());
            if (chunk.token()) {
                frames.token(bytes);
            } else {
                frames.frame(bytes);
            }
        }
        return frames.build(
                "text/event-stream",
                Buffer.buffer("data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \r\n\r\n"),
                Sse.dataCrlf(errorBody(503, "UNAVAILABLE", "The model is overloaded. Please try again later.")));
    }

    /** Without alt=sse Gemini streams one JSON array, an element per response, as they are produced. */
    private static Frames jsonArray(Rendering r) {
        Frames.Builder frames = Frames.builder();
        List<Chunk> chunks = chunks(r);
        for (int i = 0; i < chunks.size(); i++) {
            Buffer bytes = Buffer.buffer(
                    (i == 0 ? "[" : CRLF_SEPARATOR) + chunks.get(i).json());
            if (chunks.get(i).token()) {
                frames.token(bytes);
            } else {
                frames.frame(bytes);
            }
        }
        frames.frame(Buffer.buffer("]"));
        return frames.build(
                "application/json; charset=UTF-8",
                Buffer.buffer(CRLF_SEPARATOR + "{\"candidates\": [{\"content\": "),
                Buffer.buffer(CRLF_SEPARATOR
                        + errorBody(503, "UNAVAILABLE", "The model is overloaded. Please try again later.") + "]"));
    }

    private void embed(Exchange exchange, String model) {
        ObjectNode body = exchange.json();
        if (body == null || !body.path("content").path("parts").isArray()) {
            exchange.reply(error(exchange, 400, null, "* EmbedContentRequest.content: content is not specified"));
            return;
        }
        if (exchange.failureInjected()) {
            return;
        }
        ObjectNode out = Json.object();
        out.putObject("embedding").set("values", vector(body, model));
        exchange.answer(Reply.json(200, out));
    }

    private void batchEmbed(Exchange exchange, String model) {
        ObjectNode body = exchange.json();
        if (body == null
                || !body.path("requests").isArray()
                || body.path("requests").isEmpty()) {
            exchange.reply(
                    error(exchange, 400, null, "* BatchEmbedContentsRequest.requests: requests is not specified"));
            return;
        }
        if (exchange.failureInjected()) {
            return;
        }
        ObjectNode out = Json.object();
        ArrayNode embeddings = out.putArray("embeddings");
        body.path("requests").forEach(request -> embeddings.addObject().set("values", vector(request, model)));
        exchange.answer(Reply.json(200, out));
    }

    /** gemini-embedding models default to 3072 dimensions, older text-embedding ones to 768. */
    private static ArrayNode vector(JsonNode request, String model) {
        StringBuilder text = new StringBuilder();
        request.path("content")
                .path("parts")
                .forEach(p -> text.append(p.path("text").asText("")));
        int dimensions = Vectors.dimensions(
                request.path("outputDimensionality").asInt(model.contains("gemini-embedding") ? 3072 : 768));
        return Vectors.unit(text.toString(), dimensions);
    }
}
