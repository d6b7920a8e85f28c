package dev.switchboard.providers.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.providers.FrameParser;
import dev.switchboard.providers.Payloads;
import dev.switchboard.providers.StreamTranslator;
import dev.switchboard.providers.UpstreamFailure;
import dev.switchboard.wire.ErrorClass;
import dev.switchboard.wire.RouteEvent;
import dev.switchboard.wire.ToolCallDelta;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

import static dev.switchboard.providers.Payloads.JSON;

/**
 * Translates a Gemini {@code alt=sse} stream: unnamed events, each a whole
 * {@code GenerateContentResponse}. Gemini sends no end marker; the chunk carrying the candidate's
 * {@code finishReason} (with the final {@code usageMetadata}) is the last one, so it completes the
 * stream.
 *
 * <p>Finish reasons that say the generation failed ({@code MALFORMED_FUNCTION_CALL}, {@code OTHER},
 * {@code LANGUAGE}...) fail the attempt instead of finishing it: reporting {@code error} as a
 * finish reason of a completed stream would bill and return a broken answer as a success, whereas
 * a failure lets the router try another provider when nothing was streamed yet.
 */
final class GeminiStreamTranslator implements StreamTranslator {

    /** Finish reasons that mean the output was withheld by Google's filters. */
    private static final Set<String> FILTERED = Set.of(
            "SAFETY",
            "RECITATION",
            "BLOCKLIST",
            "PROHIBITED_CONTENT",
            "SPII",
            "IMAGE_SAFETY",
            "IMAGE_PROHIBITED_CONTENT",
            "IMAGE_RECITATION",
            "ESCALATION");

    private static final ObjectReader CHUNK = FrameParser.reader(Chunk.class);

    private boolean finished;
    private int toolCalls;
    private ReportedUsage usage;

    @Override
    public List<RouteEvent> onEvent(String event, byte[] data, int offset, int length) {
        Chunk chunk = FrameParser.read(CHUNK, data, offset, length);
        if (chunk.error != null && !chunk.error.isNull()) {
            throw UpstreamFailure.inStream(
                    GeminiAdapter.errorClass(chunk.error, ErrorClass.UPSTREAM),
                    chunk.error.path("message").asText("unknown"));
        }
        if (chunk.usageMetadata != null) {
            UsageMetadata u = chunk.usageMetadata;
            usage = new ReportedUsage(
                    u.promptTokenCount,
                    u.candidatesTokenCount + u.thoughtsTokenCount,
                    u.cachedContentTokenCount,
                    u.thoughtsTokenCount);
        }
        if (chunk.candidates == null || chunk.candidates.isEmpty()) {
            String blocked = chunk.promptFeedback == null ? null : Payloads.text(chunk.promptFeedback.blockReason);
            if (blocked != null) {
                throw UpstreamFailure.inStream(ErrorClass.CONTENT_FILTERED, "prompt blocked: " + blocked);
            }
            return List.of();
        }
        // candidateCount is never set, so there is exactly one candidate
        Candidate candidate = chunk.candidates.getFirst();
        return candidate == null ? List.of() : candidate(candidate);
    }

    private List<RouteEvent> candidate(Candidate candidate) {
        List<Part> parts =
                candidate.content == null || candidate.content.parts == null ? List.of() : candidate.content.parts;
        if (finished && (!parts.isEmpty() || candidate.finishReason != null)) {
            throw UpstreamFailure.malformed("output after the finish reason");
        }
        List<RouteEvent> out = List.of();
        for (Part part : parts) {
            RouteEvent.Delta delta = part == null ? null : delta(part);
            if (delta != null) {
                out = with(out, delta);
            }
        }
        JsonNode logprobs = candidate.logprobsResult == null ? null : logprobs(candidate.logprobsResult);
        if (logprobs != null) {
            out = with(out, new RouteEvent.Delta(null, null, null, null, null, logprobs));
        }
        String reason = Payloads.text(candidate.finishReason);
        if (reason != null) {
            out = with(out, new RouteEvent.Finished(finishReason(reason, Payloads.text(candidate.finishMessage))));
            finished = true;
        }
        return out;
    }

    /** The events with one more: a chunk usually yields one event, rarely more. */
    private static List<RouteEvent> with(List<RouteEvent> events, RouteEvent event) {
        return switch (events.size()) {
            case 0 -> List.of(event);
            case 1 -> List.of(events.getFirst(), event);
            default -> {
                List<RouteEvent> more = new ArrayList<>(events);
                more.add(event);
                yield more;
            }
        };
    }

    /** One part: thought text, answer text, or a whole function call; its {@code thoughtSignature} goes with it. */
    private RouteEvent.Delta delta(Part part) {
        String unsupported = part.unsupportedKind();
        if (unsupported != null) {
            throw UpstreamFailure.malformed("gemini sent a " + unsupported + " part");
        }
        String signature = Payloads.text(part.thoughtSignature);
        if (part.functionCall != null) {
            return functionCall(part.functionCall, signature);
        }
        String text = Payloads.text(part.text);
        if (text == null && signature == null) {
            return null;
        }
        return part.thought != null && part.thought.asBoolean(false)
                ? new RouteEvent.Delta(null, text, signature, null, null, null)
                : new RouteEvent.Delta(text, null, signature, null, null, null);
    }

    private RouteEvent.Delta functionCall(FunctionCall call, String signature) {
        String name = Payloads.text(call.name);
        if (name == null) {
            throw UpstreamFailure.malformed("function call without a name");
        }
        String arguments = call.args != null && call.args.isObject() ? call.args.toString() : "{}";
        int index = toolCalls++;
        String id = Payloads.text(call.id);
        return new RouteEvent.Delta(
                null,
                null,
                null,
                null,
                List.of(new ToolCallDelta(
                        index, id != null ? id : callId(index, name, arguments), name, arguments, signature)),
                null);
    }

    /**
     * An id for a call Gemini sent without one: {@code call_<index>_<hash>}, the hash over the call
     * itself, so the same answer always yields the same ids.
     */
    static String callId(int index, String name, String arguments) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256")
                    .digest((name + "\n" + arguments).getBytes(StandardCharsets.UTF_8));
            return "call_" + index + "_" + HexFormat.of().formatHex(hash, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /** Gemini's chosen and top candidates as OpenAI's {@code {"content":[{token, logprob, bytes, top_logprobs}]}}. */
    private static JsonNode logprobs(JsonNode result) {
        JsonNode chosen = result.path("chosenCandidates");
        if (!chosen.isArray() || chosen.isEmpty()) {
            return null;
        }
        ObjectNode out = Payloads.object();
        ArrayNode content = out.putArray("content");
        JsonNode top = result.path("topCandidates");
        for (int i = 0; i < chosen.size(); i++) {
            ObjectNode entry = token(chosen.get(i));
            ArrayNode alternatives = entry.putArray("top_logprobs");
            for (JsonNode alternative : top.path(i).path("candidates")) {
                alternatives.add(token(alternative));
            }
            content.add(entry);
        }
        return out;
    }

    private static ObjectNode token(JsonNode candidate) {
        String token = candidate.path("token").asText("");
        ObjectNode out = Payloads.object().put("token", token);
        out.set(
                "logprob",
                candidate.path("logProbability").isNumber()
                        ? candidate.path("logProbability")
                        : JSON.getNodeFactory().numberNode(0));
        ArrayNode bytes = out.putArray("bytes");
        for (byte b : token.getBytes(StandardCharsets.UTF_8)) {
            bytes.add(b & 0xff);
        }
        return out;
    }

    private String finishReason(String reason, String message) {
        if ("STOP".equals(reason)) {
            return toolCalls > 0 ? "tool_calls" : "stop";
        }
        if ("MAX_TOKENS".equals(reason)) {
            return "length";
        }
        if (FILTERED.contains(reason)) {
            return "content_filter";
        }
        String detail = "generation ended with " + reason + (message == null ? "" : ": " + message);
        if ("MISSING_THOUGHT_SIGNATURE".equals(reason)) {
            // the request lacked an earlier turn's signature: the client's conversation, not Gemini, has to change
            throw UpstreamFailure.inStream(ErrorClass.BAD_REQUEST, detail);
        }
        // MALFORMED_FUNCTION_CALL, OTHER, LANGUAGE, MALFORMED_RESPONSE, UNEXPECTED_TOOL_CALL, TOO_MANY_TOOL_CALLS and
        // any reason added later: the model failed this time, another attempt may not
        throw UpstreamFailure.inStream(ErrorClass.UPSTREAM, detail);
    }

    @Override
    public boolean completed() {
        return finished;
    }

    @Override
    public ReportedUsage reportedUsage() {
        return usage;
    }

    // The frame as bound: only the fields read here; every other field is skipped unparsed. Text and flag fields stay
    // JSON
    // values, so that a value of another type is skipped rather than converted (a number would bind to a String as its
    // digits).

    static final class Chunk {
        public List<Candidate> candidates;
        public UsageMetadata usageMetadata;
        public PromptFeedback promptFeedback;
        public JsonNode error;
    }

    static final class UsageMetadata {
        public int promptTokenCount;
        public int candidatesTokenCount;
        public int thoughtsTokenCount;
        public int cachedContentTokenCount;
    }

    static final class PromptFeedback {
        public JsonNode blockReason;
    }

    /** {@code finishReason} stays a JSON value: any finishReason field after the finishing chunk, even a null one, is output after it. */
    static final class Candidate {
        public Content content;
        public JsonNode finishReason;
        public JsonNode finishMessage;
        public JsonNode logprobsResult;
    }

    static final class Content {
        public List<Part> parts;
    }

    static final class Part {
        public JsonNode text;
        public JsonNode thought;
        public JsonNode thoughtSignature;
        public FunctionCall functionCall;
        // part kinds Gemini only sends for features the router never asks for (code execution, image output, server
        // tools)
        public JsonNode inlineData;
        public JsonNode fileData;
        public JsonNode executableCode;
        public JsonNode codeExecutionResult;
        public JsonNode functionResponse;
        public JsonNode toolCall;
        public JsonNode toolResponse;

        String unsupportedKind() {
            return inlineData != null
                    ? "inlineData"
                    : fileData != null
                            ? "fileData"
                            : executableCode != null
                                    ? "executableCode"
                                    : codeExecutionResult != null
                                            ? "codeExecutionResult"
                                            : functionResponse != null
                                                    ? "functionResponse"
                                                    : toolCall != null
                                                            ? "toolCall"
                                                            : toolResponse != null ? "toolResponse" : null;
        }
    }

    static final class FunctionCall {
        public JsonNode id;
        public JsonNode name;
        public JsonNode args;
    }
}
