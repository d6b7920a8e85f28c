package dev.switchboard.simulator.family;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.simulator.Answer;
import dev.switchboard.simulator.Conversation;
import dev.switchboard.simulator.EventStreamWriter;
import dev.switchboard.simulator.Exchange;
import dev.switchboard.simulator.Family;
import dev.switchboard.simulator.Frames;
import dev.switchboard.simulator.Ids;
import dev.switchboard.simulator.Json;
import dev.switchboard.simulator.Operation;
import dev.switchboard.simulator.Planner;
import dev.switchboard.simulator.ProviderSimulator;
import dev.switchboard.simulator.Reply;
import dev.switchboard.simulator.SigV4Verifier;
import dev.switchboard.simulator.Signatures;
import dev.switchboard.simulator.Tokens;
import dev.switchboard.simulator.UriEncoding;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.HostAndPort;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Amazon Bedrock Converse ({@code .../model/{modelId}/converse}) and ConverseStream
 * ({@code .../converse-stream}, AWS event-stream binary framing), authenticated by SigV4 with the
 * provider's {@code <accessKeyId>:<secretAccessKey>}. A bad signature is answered 401 (real Bedrock
 * answers 403) so every family fails authentication the same way. With Claude's thinking enabled
 * ({@code additionalModelRequestFields.thinking}) the signed reasoning must come back, as on Bedrock.
 */
public final class BedrockFamily implements Family {

    private static final Pattern PATH = Pattern.compile("/model/([^/]+)/(converse|converse-stream)$");
    private static final SigV4Verifier VERIFIER = new SigV4Verifier("bedrock");
    /** Bedrock pads event payloads with a field "p" of varying length so sizes do not leak content. */
    private static final String PADDING = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

    @Override
    public String name() {
        return "bedrock";
    }

    @Override
    public Operation route(HttpMethod method, String rest, MultiMap headers) {
        Matcher m = PATH.matcher(rest);
        if (!HttpMethod.POST.equals(method) || !m.find()) {
            return null;
        }
        String modelId = UriEncoding.decode(m.group(1));
        boolean stream = m.group(2).equals("converse-stream");
        return ex -> converse(ex, modelId, stream);
    }

    @Override
    public String defaultCredential(String provider) {
        return ProviderSimulator.defaultBedrockCredential(provider);
    }

    @Override
    public Optional<Reply> authenticate(Exchange exchange, String credential) {
        int colon = credential.indexOf(':');
        String accessKeyId = colon < 0 ? credential : credential.substring(0, colon);
        String secret = colon < 0 ? "" : credential.substring(colon + 1);
        HttpServerRequest http = exchange.request();
        SigV4Verifier.Request request = new SigV4Verifier.Request(
                http.method().name(), http.path(), http.query(), name -> headerValues(http, name), exchange.body());
        return switch (VERIFIER.verify(request, accessKeyId, secret, Instant.now())) {
            case ACCEPTED -> Optional.empty();
            case MISSING, UNKNOWN_KEY ->
                Optional.of(error(
                        exchange,
                        401,
                        "UnrecognizedClientException",
                        "The security token included in the request is invalid."));
            case MALFORMED ->
                Optional.of(
                        error(
                                exchange,
                                401,
                                "IncompleteSignatureException",
                                "Authorization header requires a valid SigV4 Credential scope for service 'bedrock', SignedHeaders with host and x-amz-date, and Signature."));
            case EXPIRED ->
                Optional.of(error(
                        exchange,
                        401,
                        "InvalidSignatureException",
                        "Signature expired: X-Amz-Date is more than 15 minutes from now."));
            case BAD_SIGNATURE ->
                Optional.of(error(
                        exchange,
                        401,
                        "InvalidSignatureException",
                        "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. "
                                + "Consult the service documentation for details."));
        };
    }

    /** Over HTTP/2 (h2c, which the JDK client negotiates) the host is the :authority pseudo-header, and SigV4 signs it as host. */
    private static List<String> headerValues(HttpServerRequest http, String name) {
        List<String> values = http.headers().getAll(name);
        if (values.isEmpty() && name.equals("host") && http.authority() != null) {
            HostAndPort authority = http.authority();
            return List.of(authority.port() < 0 ? authority.host() : authority.host() + ":" + authority.port());
        }
        return values;
    }

    @Override
    public Reply error(Exchange exchange, int status, String code, String message) {
        return Reply.json(status, Json.object().put("message", message))
                .withHeader("x-amzn-ErrorType", code != null ? code : errorType(status));
    }

    private static String errorType(int status) {
        return switch (status) {
            case 400 -> "ValidationException";
            case 401 -> "UnrecognizedClientException";
            case 403 -> "AccessDeniedException";
            case 404 -> "ResourceNotFoundException";
            case 408 -> "ModelTimeoutException";
            case 424 -> "ModelErrorException";
            case 429 -> "ThrottlingException";
            case 503 -> "ServiceUnavailableException";
            default -> "InternalServerException";
        };
    }

    private void converse(Exchange exchange, String modelId, boolean stream) {
        ObjectNode body = exchange.json();
        if (body == null) {
            exchange.reply(
                    error(exchange, 400, null, "Malformed input request, please reformat your input and try again."));
            return;
        }
        JsonNode messages = body.path("messages");
        if (!messages.isArray() || messages.isEmpty()) {
            exchange.reply(
                    error(
                            exchange,
                            400,
                            null,
                            "A conversation must start with a user message. Try again with a conversation that starts with a user message."));
            return;
        }
        if (thinking(body)) {
            Optional<String> problem = thinkingProblem(messages, exchange.signatures());
            if (problem.isPresent()) {
                exchange.reply(error(exchange, 400, null, "The model returned the following errors: " + problem.get()));
                return;
            }
        }
        if (exchange.failureInjected()) {
            return;
        }
        Conversation conversation = conversation(body, modelId);
        Answer answer = Planner.plan(conversation, exchange.behaviour().tokens());
        long latencyMs = exchange.behaviour().ttftMs()
                + exchange.behaviour().interTokenMs()
                        * Math.max(0, answer.text().size() - 1);
        Rendering r = new Rendering(
                answer,
                conversation.reasoning() ? exchange.signatures().sign(answer.reasoningText()) : null,
                latencyMs);
        if (stream) {
            exchange.stream(frames(r));
        } else {
            exchange.answer(Reply.json(200, response(r)));
        }
    }

    private static boolean thinking(JsonNode body) {
        return body.path("additionalModelRequestFields")
                .path("thinking")
                .path("type")
                .asText()
                .equals("enabled");
    }

    /** Claude on Bedrock keeps Anthropic's thinking rule (see {@link ThinkingRoundTrip}), with Converse's block names. */
    private static Optional<String> thinkingProblem(JsonNode messages, Signatures signatures) {
        return ThinkingRoundTrip.problem(
                messages,
                signatures,
                block -> block.has("toolResult"),
                block -> block.has("toolUse"),
                (index, first) -> {
                    JsonNode reasoning = first.path("reasoningContent");
                    String type = reasoning.has("reasoningText")
                            ? "thinking"
                            : reasoning.has("redactedContent")
                                    ? "redacted_thinking"
                                    : first.has("toolUse") ? "tool_use" : "text";
                    return new ThinkingRoundTrip.FirstBlock(
                            index,
                            type,
                            reasoning.path("reasoningText").path("text").asText(),
                            reasoning.path("reasoningText").path("signature").asText(null));
                });
    }

    private static Conversation conversation(JsonNode body, String modelId) {
        JsonNode messages = body.path("messages");
        JsonNode last = messages.get(messages.size() - 1);
        Conversation.Turn turn = Conversation.Turn.OTHER;
        String result = null;
        if (last.path("role").asText().equals("user")) {
            turn = Conversation.Turn.USER;
            for (JsonNode block : last.path("content")) {
                if (block.has("toolResult")) {
                    turn = Conversation.Turn.TOOL_RESULT;
                    JsonNode first = block.path("toolResult").path("content").path(0);
                    result = first.has("text")
                            ? first.path("text").asText()
                            : first.path("json").toString();
                    break;
                }
            }
        }
        JsonNode toolConfig = body.path("toolConfig");
        List<Conversation.Tool> tools = new ArrayList<>();
        toolConfig
                .path("tools")
                .forEach(t -> tools.add(new Conversation.Tool(
                        t.path("toolSpec").path("name").asText(),
                        t.path("toolSpec").path("inputSchema").path("json"))));
        JsonNode choice = toolConfig.path("toolChoice");
        Conversation.ToolChoice toolChoice = choice.has("tool")
                ? Conversation.ToolChoice.forced(
                        choice.path("tool").path("name").asText())
                : choice.has("any") ? Conversation.ToolChoice.REQUIRED : Conversation.ToolChoice.AUTO;
        return new Conversation(
                modelId,
                Conversation.seed(modelId, messages, ""),
                Tokens.ofText(body.path("system"), messages),
                body.path("inferenceConfig").path("maxTokens").asInt(Conversation.NO_LIMIT),
                tools,
                toolChoice,
                true,
                turn,
                result,
                thinking(body));
    }

    /** @param signature the reasoning signature, null when reasoning was not asked for */
    private record Rendering(Answer answer, String signature, long latencyMs) {

        String stopReason() {
            return switch (answer.finish()) {
                case STOP -> "end_turn";
                case LENGTH -> "max_tokens";
                case TOOL_CALLS -> "tool_use";
            };
        }

        String toolUseId(Answer.PlannedCall call) {
            return "tooluse_" + Ids.alphanumeric(call.idSeed(), 22);
        }

        ObjectNode usage() {
            int output = answer.outputTokens();
            return Json.object()
                    .put("inputTokens", answer.promptTokens())
                    .put("outputTokens", output)
                    .put("totalTokens", answer.promptTokens() + output);
        }

        ObjectNode metrics() {
            return Json.object().put("latencyMs", latencyMs);
        }
    }

    private static ObjectNode response(Rendering r) {
        Answer answer = r.answer();
        ObjectNode out = Json.object();
        ObjectNode message = out.putObject("output").putObject("message").put("role", "assistant");
        ArrayNode content = message.putArray("content");
        if (r.signature() != null) {
            content.addObject()
                    .putObject("reasoningContent")
                    .putObject("reasoningText")
                    .put("text", answer.reasoningText())
                    .put("signature", r.signature());
        }
        if (answer.callsTools()) {
            for (Answer.PlannedCall call : answer.toolCalls()) {
                content.addObject()
                        .putObject("toolUse")
                        .put("toolUseId", r.toolUseId(call))
                        .put("name", call.name())
                        .set("input", call.argumentsJson());
            }
        } else {
            content.addObject().put("text", answer.textContent());
        }
        out.put("stopReason", r.stopReason());
        out.set("usage", r.usage());
        out.set("metrics", r.metrics());
        return out;
    }

    private static Frames frames(Rendering r) {
        Answer answer = r.answer();
        Frames.Builder frames = Frames.builder();
        Padder padder = new Padder();
        frames.frame(padder.event("messageStart", Json.object().put("role", "assistant")));
        int index = 0;
        if (r.signature() != null) {
            for (String piece : answer.reasoning()) {
                frames.token(padder.event(
                        "contentBlockDelta",
                        delta(index, Map.of("reasoningContent", Json.object().put("text", piece)))));
            }
            frames.frame(padder.event(
                    "contentBlockDelta",
                    delta(index, Map.of("reasoningContent", Json.object().put("signature", r.signature())))));
            frames.frame(padder.event("contentBlockStop", Json.object().put("contentBlockIndex", index++)));
        }
        if (answer.callsTools()) {
            for (Answer.PlannedCall call : answer.toolCalls()) {
                ObjectNode start = Json.object().put("contentBlockIndex", index);
                start.putObject("start")
                        .putObject("toolUse")
                        .put("toolUseId", r.toolUseId(call))
                        .put("name", call.name());
                frames.frame(padder.event("contentBlockStart", start));
                for (String fragment : call.fragments()) {
                    frames.token(padder.event(
                            "contentBlockDelta",
                            delta(index, Map.of("toolUse", Json.object().put("input", fragment)))));
                }
                frames.frame(padder.event("contentBlockStop", Json.object().put("contentBlockIndex", index++)));
            }
        } else {
            for (String piece : answer.text()) {
                frames.token(padder.event(
                        "contentBlockDelta",
                        delta(index, Map.of("text", Json.MAPPER.getNodeFactory().textNode(piece)))));
            }
            frames.frame(padder.event("contentBlockStop", Json.object().put("contentBlockIndex", index)));
        }
        frames.frame(padder.event("messageStop", Json.object().put("stopReason", r.stopReason())));
        ObjectNode metadata = Json.object();
        metadata.set("usage", r.usage());
        metadata.set("metrics", r.metrics());
        frames.frame(padder.event("metadata", metadata));
        return frames.build(
                "application/vnd.amazon.eventstream",
                EventStreamWriter.event("contentBlockDelta", "{\"contentBlockIndex\":0,\"delta\":{\"text\":"),
                EventStreamWriter.exception(
                        "throttlingException",
                        Json.object()
                                .put("message", "Too many tokens, please wait before trying again.")
                                .toString()));
    }

    private static ObjectNode delta(int index, Map<String, JsonNode> delta) {
        ObjectNode out = Json.object().put("contentBlockIndex", index);
        ObjectNode d = out.putObject("delta");
        delta.forEach(d::set);
        return out;
    }

    /** Adds Bedrock's "p" padding field, its length varying deterministically from event to event. */
    private static final class Padder {
        private int count;

        Buffer event(String type, ObjectNode payload) {
            payload.put("p", PADDING.substring(0, 1 + (count++ * 7) % PADDING.length()));
            return EventStreamWriter.event(type, payload.toString());
        }
    }
}
