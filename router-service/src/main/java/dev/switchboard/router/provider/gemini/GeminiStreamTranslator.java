package dev.switchboard.router.provider.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.router.provider.Payloads;
import dev.switchboard.router.provider.StreamTranslator;
import dev.switchboard.router.provider.UpstreamFailure;
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

import static dev.switchboard.router.provider.Payloads.JSON;

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
    private static final Set<String> FILTERED = Set.of("SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "IMAGE_SAFETY",
            "IMAGE_PROHIBITED_CONTENT", "IMAGE_RECITATION", "ESCALATION");

    /** Part kinds Gemini only sends for features the router never asks for (code execution, image output, server tools). */
    private static final List<String> UNSUPPORTED_PARTS = List.of("inlineData", "fileData", "executableCode", "codeExecutionResult",
            "functionResponse", "toolCall", "toolResponse");

    private boolean finished;
    private int toolCalls;
    private ReportedUsage usage;

    @Override
    public List<RouteEvent> onEvent(String event, byte[] bytes, int offset, int length) {
        return onText(event, new String(bytes, offset, length, StandardCharsets.UTF_8));
    }

    private List<RouteEvent> onText(String event, String data) {
        JsonNode chunk = Payloads.frame(data);
        if (chunk.hasNonNull("error")) {
            JsonNode error = chunk.path("error");
            throw UpstreamFailure.inStream(GeminiAdapter.errorClass(error, ErrorClass.UPSTREAM), error.path("message").asText("unknown"));
        }
        JsonNode u = chunk.path("usageMetadata");
        if (u.isObject()) {
            int thoughts = u.path("thoughtsTokenCount").asInt(0);
            usage = new ReportedUsage(u.path("promptTokenCount").asInt(0), u.path("candidatesTokenCount").asInt(0) + thoughts,
                    u.path("cachedContentTokenCount").asInt(0), thoughts);
        }
        JsonNode candidates = chunk.path("candidates");
        if (!candidates.isArray() || candidates.isEmpty()) {
            String blocked = Payloads.text(chunk.path("promptFeedback").path("blockReason"));
            if (blocked != null) {
                throw UpstreamFailure.inStream(ErrorClass.CONTENT_FILTERED, "prompt blocked: " + blocked);
            }
            return List.of();
        }
        // candidateCount is never set, so there is exactly one candidate
        JsonNode candidate = candidates.get(0);
        JsonNode parts = candidate.path("content").path("parts");
        if (finished && (parts.isArray() && !parts.isEmpty() || candidate.has("finishReason"))) {
            throw UpstreamFailure.malformed("output after the finish reason");
        }
        List<RouteEvent> out = new ArrayList<>(2);
        for (JsonNode part : parts) {
            RouteEvent.Delta delta = delta(part);
            if (delta != null) {
                out.add(delta);
            }
        }
        JsonNode logprobs = logprobs(candidate.path("logprobsResult"));
        if (logprobs != null) {
            out.add(new RouteEvent.Delta(null, null, null, null, null, logprobs));
        }
        String reason = Payloads.text(candidate.path("finishReason"));
        if (reason != null) {
            out.add(new RouteEvent.Finished(finishReason(reason, Payloads.text(candidate.path("finishMessage")))));
            finished = true;
        }
        return out;
    }

    /** One part: thought text, answer text, or a whole function call; its {@code thoughtSignature} goes with it. */
    private RouteEvent.Delta delta(JsonNode part) {
        for (String kind : UNSUPPORTED_PARTS) {
            if (part.has(kind)) {
                throw UpstreamFailure.malformed("gemini sent a " + kind + " part");
            }
        }
        String signature = Payloads.text(part.path("thoughtSignature"));
        if (part.path("functionCall").isObject()) {
            JsonNode call = part.path("functionCall");
            String name = Payloads.text(call.path("name"));
            if (name == null) {
                throw UpstreamFailure.malformed("function call without a name");
            }
            String arguments = call.path("args").isObject() ? call.path("args").toString() : "{}";
            int index = toolCalls++;
            String id = Payloads.text(call.path("id"));
            return new RouteEvent.Delta(null, null, null, null,
                    List.of(new ToolCallDelta(index, id != null ? id : callId(index, name, arguments), name, arguments, signature)), null);
        }
        String text = Payloads.text(part.path("text"));
        if (text == null && signature == null) {
            return null;
        }
        return part.path("thought").asBoolean(false)
                ? new RouteEvent.Delta(null, text, signature, null, null, null)
                : new RouteEvent.Delta(text, null, signature, null, null, null);
    }

    /**
     * An id for a call Gemini sent without one: {@code call_<index>_<hash>}, the hash over the call
     * itself, so the same answer always yields the same ids.
     */
    static String callId(int index, String name, String arguments) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest((name + "\n" + arguments).getBytes(StandardCharsets.UTF_8));
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
        out.set("logprob", candidate.path("logProbability").isNumber() ? candidate.path("logProbability") : JSON.getNodeFactory().numberNode(0));
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
}
