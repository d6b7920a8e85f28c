package dev.switchboard.providers.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.catalog.EndpointSpec;
import dev.switchboard.catalog.ProviderSpec;
import dev.switchboard.providers.Payloads;
import dev.switchboard.providers.ProbeRequest;
import dev.switchboard.providers.ProviderAdapter;
import dev.switchboard.providers.StreamTranslator;
import dev.switchboard.providers.UpstreamFailure;
import dev.switchboard.providers.UpstreamRequest;
import dev.switchboard.wire.ChatMessage;
import dev.switchboard.wire.ChatRequest;
import dev.switchboard.wire.ContentPart;
import dev.switchboard.wire.ErrorClass;
import dev.switchboard.wire.ReasoningPart;
import dev.switchboard.wire.Sampling;
import dev.switchboard.wire.Tool;
import dev.switchboard.wire.ToolCall;
import dev.switchboard.wire.ToolChoice;
import jakarta.enterprise.context.ApplicationScoped;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Anthropic's Messages API ({@code POST /v1/messages}, {@code x-api-key}, {@code anthropic-version}).
 *
 * <p>Mapping decisions:
 * <ul>
 *   <li>system and developer messages, wherever they stand, become the top-level {@code system}: one
 *       string, or text blocks when a part carries {@code cache_control} (which only blocks can hold);</li>
 *   <li>turns alternate: consecutive turns of one role are merged, tool results become
 *       {@code tool_result} blocks of a user turn;</li>
 *   <li>earlier reasoning goes back first in its assistant turn: signed text as {@code thinking},
 *       opaque reasoning as {@code redacted_thinking}; reasoning without a signature (another
 *       provider's) is left out, because Anthropic refuses an unsigned thinking block;</li>
 *   <li>{@code response_format} is not sent: the Messages API of the catalog's Claude models has no
 *       output format, and like OpenRouter the router drops a parameter the model does not support
 *       (the catalog leaves {@code response_format} out of these models' {@code supported_parameters},
 *       so {@code provider.require_parameters} routes such requests elsewhere). Forcing a tool to
 *       emulate it would turn the answer into a tool call the client did not ask for;</li>
 *   <li>seed, penalties and log-probabilities do not exist at Anthropic and are dropped the same way;
 *       values Anthropic bounds more tightly than OpenAI (temperature above 1, thinking with a
 *       forced tool or a changed temperature) are sent as the client set them and Anthropic's 400
 *       reaches the client;</li>
 *   <li>audio input and provider file ids cannot be expressed and fail the attempt as a bad request.</li>
 * </ul>
 */
@ApplicationScoped
public class AnthropicMessagesAdapter implements ProviderAdapter {

    private static final String API_VERSION = "2023-06-01";

    private static final Set<String> IMAGE_TYPES = Set.of("image/jpeg", "image/png", "image/gif", "image/webp");

    @Override
    public String family() {
        return "anthropic-messages";
    }

    /** The model list, {@code {base}/v1/models}. */
    @Override
    public Optional<ProbeRequest> probe(ProviderSpec provider, String credential) {
        String url = Payloads.trimSlash(provider.baseUrl()) + "/v1/models";
        return Optional.of(new ProbeRequest(
                url,
                credential == null
                        ? Map.of("anthropic-version", API_VERSION)
                        : Map.of("x-api-key", credential, "anthropic-version", API_VERSION)));
    }

    @Override
    public UpstreamRequest toUpstream(
            ProviderSpec provider, EndpointSpec endpoint, ChatRequest request, int maxTokens, String credential) {
        ObjectNode body = Payloads.object();
        body.put("model", endpoint.upstreamModel());
        body.put("max_tokens", maxTokens);
        JsonNode system = system(request.messages());
        if (system != null) {
            body.set("system", system);
        }
        body.set("messages", messages(request.messages()));
        sampling(body, request.sampling());
        tools(body, request);
        Integer budget = ThinkingBudget.of(request.reasoning(), maxTokens);
        if (budget != null) {
            body.putObject("thinking").put("type", "enabled").put("budget_tokens", budget);
        }
        if (request.user() != null) {
            body.putObject("metadata").put("user_id", request.user());
        }
        body.put("stream", true);
        Map<String, String> headers = Map.of(
                "x-api-key",
                credential,
                "anthropic-version",
                API_VERSION,
                "Content-Type",
                "application/json",
                "Accept",
                "text/event-stream");
        return new UpstreamRequest(
                Payloads.trimSlash(provider.baseUrl()) + "/v1/messages", headers, Payloads.bytes(body));
    }

    private static void sampling(ObjectNode body, Sampling s) {
        if (!s.stop().isEmpty()) {
            ArrayNode stop = body.putArray("stop_sequences");
            s.stop().forEach(stop::add);
        }
        if (s.temperature() != null) {
            body.put("temperature", s.temperature());
        }
        if (s.topP() != null) {
            body.put("top_p", s.topP());
        }
        if (s.topK() != null) {
            body.put("top_k", s.topK());
        }
    }

    private static void tools(ObjectNode body, ChatRequest request) {
        if (request.tools().isEmpty()) {
            // a tool_choice without tools is an error at Anthropic, and there is nothing to choose from
            return;
        }
        ArrayNode tools = body.putArray("tools");
        for (Tool tool : request.tools()) {
            ObjectNode t = tools.addObject().put("name", tool.name());
            if (tool.description() != null) {
                t.put("description", tool.description());
            }
            t.set(
                    "input_schema",
                    tool.parameters() != null
                            ? tool.parameters()
                            : Payloads.object().put("type", "object"));
        }
        ToolChoice choice = request.toolChoice();
        boolean serial = Boolean.FALSE.equals(request.parallelToolCalls());
        if (choice == null && !serial) {
            return;
        }
        ObjectNode out = body.putObject("tool_choice");
        switch (choice == null ? ToolChoice.Mode.AUTO : choice.mode()) {
            case AUTO -> out.put("type", "auto");
            case REQUIRED -> out.put("type", "any");
            case TOOL -> out.put("type", "tool").put("name", choice.name());
            case NONE -> out.put("type", "none");
        }
        // "none" takes no parallelism flag: no call at all is the most serial there is
        if (serial && (choice == null || choice.mode() != ToolChoice.Mode.NONE)) {
            out.put("disable_parallel_tool_use", true);
        }
    }

    /** The system prompt from every system and developer message, or null when there is none. */
    private static JsonNode system(List<ChatMessage> messages) {
        List<ContentPart.Text> parts = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        for (ChatMessage message : messages) {
            if (message.role() != ChatMessage.Role.SYSTEM && message.role() != ChatMessage.Role.DEVELOPER) {
                continue;
            }
            for (ContentPart part : message.content()) {
                if (!(part instanceof ContentPart.Text text)) {
                    throw UpstreamFailure.badRequest(
                            "a " + message.role().wireName() + " message can only hold text at Anthropic");
                }
                if (!text.text().isEmpty()) {
                    parts.add(text);
                }
            }
            if (!message.text().isEmpty()) {
                texts.add(message.text());
            }
        }
        if (parts.isEmpty()) {
            return null;
        }
        if (parts.stream().noneMatch(p -> p.cacheControl() != null)) {
            return Payloads.JSON.getNodeFactory().textNode(String.join("\n\n", texts));
        }
        ArrayNode blocks = Payloads.JSON.createArrayNode();
        parts.forEach(p -> blocks.add(text(p)));
        return blocks;
    }

    private static ArrayNode messages(List<ChatMessage> messages) {
        ArrayNode out = Payloads.JSON.createArrayNode();
        String lastRole = null;
        ArrayNode lastContent = null;
        for (ChatMessage message : messages) {
            ArrayNode blocks = Payloads.JSON.createArrayNode();
            switch (message.role()) {
                case SYSTEM, DEVELOPER -> {
                    // already in the top-level system prompt
                }
                case USER -> userBlocks(message, blocks);
                case ASSISTANT -> assistantBlocks(message, blocks);
                case TOOL -> blocks.add(toolResult(message));
            }
            if (blocks.isEmpty()) {
                // system turns, and empty ones: Anthropic refuses empty turns, which say nothing to the model anyway
                continue;
            }
            String role = message.role() == ChatMessage.Role.ASSISTANT ? "assistant" : "user";
            if (role.equals(lastRole)) {
                lastContent.addAll(blocks);
            } else {
                ObjectNode turn = out.addObject().put("role", role);
                turn.set("content", blocks);
                lastRole = role;
                lastContent = blocks;
            }
        }
        return out;
    }

    private static void userBlocks(ChatMessage message, ArrayNode blocks) {
        for (ContentPart part : message.content()) {
            switch (part) {
                case ContentPart.Text text -> {
                    if (!text.text().isEmpty()) {
                        blocks.add(text(text));
                    }
                }
                case ContentPart.Image image -> blocks.add(image(image.url()));
                case ContentPart.File file -> blocks.add(document(file));
                case ContentPart.Audio ignored ->
                    throw UpstreamFailure.badRequest("Anthropic models take no audio input");
            }
        }
    }

    private static void assistantBlocks(ChatMessage message, ArrayNode blocks) {
        for (ReasoningPart reasoning : message.reasoning()) {
            if (!reasoning.sendableTo("anthropic-messages")) {
                continue;
            }
            if (reasoning.redacted() != null) {
                blocks.addObject().put("type", "redacted_thinking").put("data", reasoning.redacted());
            } else if (reasoning.signature() != null) {
                blocks.addObject()
                        .put("type", "thinking")
                        .put("thinking", reasoning.text() == null ? "" : reasoning.text())
                        .put("signature", reasoning.signature());
            }
        }
        for (ContentPart part : message.content()) {
            if (!(part instanceof ContentPart.Text text)) {
                throw UpstreamFailure.badRequest("an assistant message can only hold text at Anthropic");
            }
            if (!text.text().isEmpty()) {
                blocks.add(text(text));
            }
        }
        for (ToolCall call : message.toolCalls()) {
            ObjectNode use = blocks.addObject()
                    .put("type", "tool_use")
                    .put("id", ToolUseIds.of(call.id(), Integer.MAX_VALUE))
                    .put("name", call.name());
            use.set("input", Payloads.arguments(call));
        }
    }

    private static ObjectNode toolResult(ChatMessage message) {
        ObjectNode result = Payloads.object()
                .put("type", "tool_result")
                .put("tool_use_id", ToolUseIds.of(message.toolCallId(), Integer.MAX_VALUE));
        boolean plain =
                message.content().stream().allMatch(p -> p instanceof ContentPart.Text t && t.cacheControl() == null);
        if (plain) {
            if (!message.text().isEmpty()) {
                result.put("content", message.text());
            }
            return result;
        }
        ArrayNode content = result.putArray("content");
        for (ContentPart part : message.content()) {
            switch (part) {
                case ContentPart.Text text -> {
                    if (!text.text().isEmpty()) {
                        content.add(text(text));
                    }
                }
                case ContentPart.Image image -> content.add(image(image.url()));
                case ContentPart.File file -> content.add(document(file));
                case ContentPart.Audio ignored ->
                    throw UpstreamFailure.badRequest("Anthropic models take no audio input");
            }
        }
        return result;
    }

    private static ObjectNode text(ContentPart.Text text) {
        ObjectNode block = Payloads.object().put("type", "text").put("text", text.text());
        if (text.cacheControl() != null) {
            block.set("cache_control", text.cacheControl());
        }
        return block;
    }

    private static ObjectNode image(String url) {
        ObjectNode block = Payloads.object().put("type", "image");
        Payloads.DataUrl data = Payloads.dataUrl(url);
        if (data != null) {
            String mediaType = "image/jpg".equals(data.mediaType()) ? "image/jpeg" : data.mediaType();
            if (!IMAGE_TYPES.contains(mediaType)) {
                throw UpstreamFailure.badRequest(
                        "Anthropic takes JPEG, PNG, GIF and WebP images, not " + data.mediaType());
            }
            block.putObject("source")
                    .put("type", "base64")
                    .put("media_type", mediaType)
                    .put("data", data.base64());
        } else if (isHttp(url)) {
            block.putObject("source").put("type", "url").put("url", url);
        } else {
            throw UpstreamFailure.badRequest("an image must be a data: URL or an http(s) URL");
        }
        return block;
    }

    private static ObjectNode document(ContentPart.File file) {
        if (file.data() == null) {
            // a file id names an upload at the provider that issued it (OpenAI's files API)
            throw UpstreamFailure.badRequest("Anthropic cannot read file " + file.fileId() + ": send the file's data");
        }
        ObjectNode block = Payloads.object().put("type", "document");
        Payloads.DataUrl data = Payloads.dataUrl(file.data());
        if (data == null && isHttp(file.data())) {
            block.putObject("source").put("type", "url").put("url", file.data());
        } else {
            String mediaType = data != null ? data.mediaType() : file.mediaType();
            String base64 = data != null ? data.base64() : file.data();
            if ("application/pdf".equals(mediaType)) {
                block.putObject("source")
                        .put("type", "base64")
                        .put("media_type", mediaType)
                        .put("data", base64);
            } else if ("text/plain".equals(mediaType)) {
                block.putObject("source")
                        .put("type", "text")
                        .put("media_type", mediaType)
                        .put("data", decodeText(base64));
            } else {
                throw UpstreamFailure.badRequest("Anthropic reads PDF and plain-text documents, not " + mediaType);
            }
        }
        if (file.filename() != null && !file.filename().isBlank()) {
            block.put("title", file.filename());
        }
        return block;
    }

    private static String decodeText(String base64) {
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .decode(ByteBuffer.wrap(Base64.getDecoder().decode(base64)))
                    .toString();
        } catch (IllegalArgumentException | CharacterCodingException e) {
            throw UpstreamFailure.badRequest("a text/plain document must be base64 of UTF-8 text");
        }
    }

    private static boolean isHttp(String url) {
        return url.startsWith("https://") || url.startsWith("http://");
    }

    @Override
    public StreamTranslator newTranslator(ProviderSpec provider, EndpointSpec endpoint, ChatRequest request) {
        return new AnthropicStreamTranslator();
    }

    @Override
    public UpstreamFailure classifyError(int httpStatus, Headers headers, byte[] body) {
        ErrorClass errorClass = ErrorClass.fromUpstreamStatus(httpStatus);
        String message = "provider answered HTTP " + httpStatus;
        JsonNode root = Payloads.tryParse(body);
        if (root != null) {
            JsonNode error = root.path("error");
            String text =
                    error.path("message").isTextual() ? error.path("message").asText() : null;
            if (error.path("type").isTextual()) {
                errorClass = errorClass(error.path("type").asText(), text, errorClass);
            }
            if (text != null) {
                message = message + ": " + UpstreamFailure.truncate(text);
            }
        }
        return new UpstreamFailure(errorClass, message, httpStatus);
    }

    /**
     * Anthropic's error types, as documented for HTTP errors and stream {@code error} events.
     * A billing error is the router's account at Anthropic, not the client's credit: another
     * provider can still answer, as with a bad key.
     */
    static ErrorClass errorClass(String type, String message, ErrorClass otherwise) {
        return switch (type) {
            case "invalid_request_error" ->
                contextTooLong(message) ? ErrorClass.CONTEXT_LENGTH_EXCEEDED : ErrorClass.BAD_REQUEST;
            case "authentication_error", "permission_error", "billing_error" -> ErrorClass.AUTH;
            case "not_found_error" -> ErrorClass.NOT_FOUND;
            case "request_too_large" -> ErrorClass.CONTEXT_LENGTH_EXCEEDED;
            case "rate_limit_error" -> ErrorClass.RATE_LIMITED;
            case "timeout_error" -> ErrorClass.TIMEOUT;
            case "api_error" -> ErrorClass.UPSTREAM;
            case "overloaded_error" -> ErrorClass.OVERLOADED;
            default -> otherwise;
        };
    }

    /** "prompt is too long: 210000 tokens > 200000 maximum", "input length and `max_tokens` exceed context limit: ...". */
    private static boolean contextTooLong(String message) {
        return message != null && (message.contains("prompt is too long") || message.contains("exceed context limit"));
    }
}
