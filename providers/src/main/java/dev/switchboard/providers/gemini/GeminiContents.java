package dev.switchboard.providers.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.providers.Payloads;
import dev.switchboard.providers.UpstreamFailure;
import dev.switchboard.wire.ChatMessage;
import dev.switchboard.wire.ContentPart;
import dev.switchboard.wire.ReasoningPart;
import dev.switchboard.wire.ToolCall;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;

import static dev.switchboard.providers.Payloads.JSON;

/**
 * A conversation as Gemini's {@code systemInstruction} and {@code contents}. Gemini has two roles:
 * {@code user} (which also carries tool results as {@code functionResponse} parts) and
 * {@code model}; consecutive messages that land on the same role become one turn, as Gemini's
 * multi-turn examples send them (parallel tool results in particular go back as one user turn).
 */
final class GeminiContents {

    private GeminiContents() {}

    /** Puts {@code contents} and, when there are system or developer messages, {@code systemInstruction} into {@code body}. */
    static void write(List<ChatMessage> messages, ObjectNode body) {
        Map<String, String> toolNames = Payloads.toolNames(messages);
        ArrayNode system = null;
        ArrayNode contents = body.putArray("contents");
        String lastRole = null;
        ArrayNode lastParts = null;
        for (ChatMessage message : messages) {
            if (message.role() == ChatMessage.Role.SYSTEM || message.role() == ChatMessage.Role.DEVELOPER) {
                // Gemini takes instructions only outside the turns: every system and developer message joins
                // systemInstruction, in order
                if (system == null) {
                    system = body.putObject("systemInstruction").putArray("parts");
                }
                system.addObject().put("text", message.text());
                continue;
            }
            String role = message.role() == ChatMessage.Role.ASSISTANT ? "model" : "user";
            ArrayNode parts = switch (message.role()) {
                case ASSISTANT -> modelParts(message);
                case TOOL -> functionResponse(message, toolNames);
                default -> userParts(message);
            };
            if (parts.isEmpty()) {
                // Gemini refuses a turn without parts; an empty message adds nothing to say
                continue;
            }
            if (role.equals(lastRole)) {
                lastParts.addAll(parts);
            } else {
                ObjectNode turn = contents.addObject().put("role", role);
                lastParts = turn.putArray("parts");
                lastParts.addAll(parts);
                lastRole = role;
            }
        }
    }

    private static ArrayNode userParts(ChatMessage message) {
        ArrayNode parts = JSON.createArrayNode();
        for (ContentPart part : message.content()) {
            parts.add(part(part));
        }
        return parts;
    }

    /**
     * An assistant turn: its text, then its calls. Thought text is not sent back (Gemini says the
     * signature carries the reasoning state), but signatures are: a call's on its {@code functionCall}
     * part, and reasoning signatures on the turn's text parts in order, with an empty text part for
     * each one left over, as Gemini itself sends a closing signature.
     */
    private static ArrayNode modelParts(ChatMessage message) {
        ArrayNode parts = JSON.createArrayNode();
        Deque<ObjectNode> unsignedText = new ArrayDeque<>();
        for (ContentPart part : message.content()) {
            ObjectNode converted = part(part);
            parts.add(converted);
            if (part instanceof ContentPart.Text) {
                unsignedText.add(converted);
            }
        }
        for (ReasoningPart reasoning : message.reasoning()) {
            if (reasoning.signature() == null || !reasoning.sendableTo("gemini")) {
                continue;
            }
            ObjectNode holder = unsignedText.isEmpty() ? parts.addObject().put("text", "") : unsignedText.removeFirst();
            holder.put("thoughtSignature", reasoning.signature());
        }
        for (ToolCall call : message.toolCalls()) {
            ObjectNode part = parts.addObject();
            ObjectNode functionCall = part.putObject("functionCall");
            if (call.id() != null) {
                functionCall.put("id", call.id());
            }
            functionCall.put("name", call.name());
            functionCall.set("args", Payloads.arguments(call));
            if (call.signature() != null) {
                part.put("thoughtSignature", call.signature());
            }
        }
        return parts;
    }

    /** A tool message as a {@code functionResponse}; Gemini wants the function's name, which only the earlier call knows. */
    private static ArrayNode functionResponse(ChatMessage message, Map<String, String> toolNames) {
        if (!message.content().stream().allMatch(p -> p instanceof ContentPart.Text)) {
            throw UpstreamFailure.badRequest("gemini takes only text tool results");
        }
        String name = message.toolCallId() == null ? null : toolNames.get(message.toolCallId());
        if (name == null) {
            name = message.name();
        }
        if (name == null) {
            throw UpstreamFailure.badRequest(
                    "tool result " + message.toolCallId() + " answers no tool call of an earlier assistant message");
        }
        ArrayNode parts = JSON.createArrayNode();
        ObjectNode response = parts.addObject().putObject("functionResponse");
        if (message.toolCallId() != null) {
            response.put("id", message.toolCallId());
        }
        response.put("name", name);
        JsonNode result = Payloads.toolResult(message.text());
        // Gemini's response must be an object
        response.set("response", result.isObject() ? result : Payloads.object().set("result", result));
        return parts;
    }

    /**
     * One content part. Media types: the part's own {@code mediaType} first, then a {@code data:}
     * URL's, then the file name's or URL's extension ({@link MediaTypes}); inline data without any of
     * them is refused, a URL without one is sent without a type (Gemini's {@code fileData.mimeType}
     * is optional).
     */
    private static ObjectNode part(ContentPart part) {
        ObjectNode out = Payloads.object();
        switch (part) {
            case ContentPart.Text text -> out.put("text", text.text());
            case ContentPart.Image(String url, String detail) -> {
                Payloads.DataUrl data = Payloads.dataUrl(url);
                if (data != null) {
                    inline(out, data.mediaType(), data.base64());
                } else if (url != null && (url.startsWith("https://") || url.startsWith("http://"))) {
                    fileData(out, MediaTypes.fromName(url), url);
                } else {
                    throw UpstreamFailure.badRequest("gemini takes images as data: or http(s) URLs");
                }
            }
            case ContentPart.File(String filename, String data, String mediaType, String fileId) -> {
                if (data != null) {
                    Payloads.DataUrl url = Payloads.dataUrl(data);
                    String type = known(mediaType, url == null ? null : url.mediaType(), MediaTypes.fromName(filename));
                    if (type == null) {
                        throw UpstreamFailure.badRequest("gemini needs the media type of file "
                                + (filename == null ? "" : filename) + ": none given or guessable");
                    }
                    inline(out, type, url == null ? data : url.base64());
                } else if (fileId != null) {
                    // a Files API URI (or any URL Gemini can fetch) names the file
                    fileData(out, known(mediaType, MediaTypes.fromName(filename), MediaTypes.fromName(fileId)), fileId);
                } else {
                    throw UpstreamFailure.badRequest("a file part needs data or a file id");
                }
            }
            case ContentPart.Audio(String data, String format) -> {
                Payloads.DataUrl url = Payloads.dataUrl(data);
                // Gemini's audio types are audio/<format> for every format the internal model names (wav, mp3)
                String type = known(url == null ? null : url.mediaType(), format == null ? null : "audio/" + format);
                if (type == null) {
                    throw UpstreamFailure.badRequest("gemini needs the format of audio input");
                }
                inline(out, type, url == null ? data : url.base64());
            }
        }
        return out;
    }

    private static void inline(ObjectNode part, String mediaType, String base64) {
        part.putObject("inlineData").put("mimeType", mediaType).put("data", base64);
    }

    private static void fileData(ObjectNode part, String mediaType, String uri) {
        ObjectNode file = part.putObject("fileData");
        if (mediaType != null) {
            file.put("mimeType", mediaType);
        }
        file.put("fileUri", uri);
    }

    /** The first actual media type; {@code application/octet-stream} is what a {@code data:} URL without one yields, so it counts as none. */
    private static String known(String... values) {
        for (String value : values) {
            if (value != null && !"application/octet-stream".equals(value)) {
                return value;
            }
        }
        return null;
    }
}
