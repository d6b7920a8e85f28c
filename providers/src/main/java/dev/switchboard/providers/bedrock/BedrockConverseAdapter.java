package dev.switchboard.providers.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.catalog.EndpointSpec;
import dev.switchboard.catalog.ProviderSpec;
import dev.switchboard.providers.BoundOptions;
import dev.switchboard.providers.Payloads;
import dev.switchboard.providers.ProviderAdapter;
import dev.switchboard.providers.StreamTranslator;
import dev.switchboard.providers.UpstreamFailure;
import dev.switchboard.providers.UpstreamRequest;
import dev.switchboard.providers.anthropic.ThinkingBudget;
import dev.switchboard.providers.anthropic.ToolUseIds;
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
import jakarta.inject.Inject;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Amazon Bedrock's Converse API, streaming ({@code POST /model/{modelId}/converse-stream}, AWS event
 * stream framing, SigV4-signed with the AWS SDK signer).
 *
 * <p>Mapping decisions:
 * <ul>
 *   <li>system and developer messages become {@code system} text blocks; a {@code cacheControl}
 *       marker becomes a {@code cachePoint} block after the text it closes (Bedrock's form of
 *       Anthropic's marker);</li>
 *   <li>turns alternate: consecutive turns of one role merge, tool results become {@code toolResult}
 *       blocks of a user turn (JSON object results as {@code json}, anything else as {@code text});</li>
 *   <li>earlier reasoning goes back first in its assistant turn as {@code reasoningContent}
 *       (signed text, or redacted content); unsigned reasoning from another provider is left out;</li>
 *   <li>Converse takes images and documents as bytes only: http(s) URLs and provider file ids fail
 *       the attempt as a bad request, as does audio;</li>
 *   <li>{@code top_k} and extended thinking are not Converse parameters: for Claude models they go
 *       in {@code additionalModelRequestFields} under Anthropic's names; other models would need
 *       their own names, so they are dropped there (the catalog serves only Claude on Bedrock);</li>
 *   <li>tool choice NONE has no Converse form: the tools are left out so none can be called, unless
 *       the conversation already holds tool calls or results, for which Bedrock requires a
 *       {@code toolConfig}; then the tools are declared with choice {@code auto}, the nearest there is.
 *       A conversation with tool calls but no tools declares the tools it used, open-schema;</li>
 *   <li>not sent: {@code response_format} (not among the catalog models' supported parameters,
 *       dropped as OpenRouter drops unsupported parameters), {@code parallel_tool_calls} (Converse
 *       owns Claude's {@code tool_choice} and has no such flag), {@code user} (Converse has no
 *       end-user field), seed, penalties and log-probabilities.</li>
 * </ul>
 */
@ApplicationScoped
public class BedrockConverseAdapter implements ProviderAdapter {

    /** Bedrock's limit on {@code toolUseId}. */
    private static final int TOOL_USE_ID_MAX = 64;

    private static final Map<String, String> IMAGE_FORMATS = Map.of(
            "image/png", "png", "image/jpeg", "jpeg", "image/jpg", "jpeg", "image/gif", "gif", "image/webp", "webp");

    private static final Map<String, String> DOCUMENT_FORMATS = Map.of(
            "application/pdf", "pdf",
            "text/csv", "csv",
            "application/msword", "doc",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx",
            "application/vnd.ms-excel", "xls",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx",
            "text/html", "html",
            "text/plain", "txt",
            "text/markdown", "md");

    private final Clock clock;
    private final BoundOptions<BedrockOptions> options = new BoundOptions<>(this::configure);

    @Inject
    public BedrockConverseAdapter(Clock clock) {
        this.clock = clock;
    }

    @Override
    public String family() {
        return "bedrock-converse";
    }

    @Override
    public Framing framing() {
        return Framing.AWS_EVENT_STREAM;
    }

    @Override
    public BedrockOptions configure(ProviderSpec provider) {
        return BedrockOptions.of(provider);
    }

    @Override
    public UpstreamRequest toUpstream(
            ProviderSpec provider, EndpointSpec endpoint, ChatRequest request, int maxTokens, String credential) {
        BedrockOptions o = options.of(provider);
        ObjectNode body = Payloads.object();
        body.set("messages", new Conversation().messages(request.messages()));
        ArrayNode system = system(request.messages());
        if (!system.isEmpty()) {
            body.set("system", system);
        }
        body.set("inferenceConfig", inferenceConfig(request.sampling(), maxTokens));
        ObjectNode toolConfig = toolConfig(request);
        if (toolConfig != null) {
            body.set("toolConfig", toolConfig);
        }
        if (isClaude(endpoint)) {
            ObjectNode fields = Payloads.object();
            if (request.sampling().topK() != null) {
                fields.put("top_k", request.sampling().topK());
            }
            Integer budget = ThinkingBudget.of(request.reasoning(), maxTokens);
            if (budget != null) {
                fields.putObject("thinking").put("type", "enabled").put("budget_tokens", budget);
            }
            if (!fields.isEmpty()) {
                body.set("additionalModelRequestFields", fields);
            }
        }
        byte[] bytes = Payloads.bytes(body);
        String url = Payloads.trimSlash(provider.baseUrl()) + "/model/" + pathSegment(endpoint.upstreamModel())
                + "/converse-stream";
        Map<String, String> headers = new HashMap<>(SigV4.sign(url, bytes, credential, o.region(), clock));
        // not signed: the signature covers host, date and body, which is what SigV4 requires of these requests
        headers.put("Content-Type", "application/json");
        headers.put("Accept", "application/vnd.amazon.eventstream");
        return new UpstreamRequest(url, headers, bytes);
    }

    /** Claude models, by their Bedrock ids: {@code anthropic.claude-...} or an inference profile such as {@code us.anthropic.claude-...}. */
    private static boolean isClaude(EndpointSpec endpoint) {
        return endpoint.upstreamModel().contains("anthropic.");
    }

    /** A model id as one URL path segment: a {@code :} or an ARN's {@code /} is percent-encoded (RFC 3986 unreserved characters stay). */
    static String pathSegment(String value) {
        StringBuilder out = new StringBuilder();
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if (c >= 'a' && c <= 'z'
                    || c >= 'A' && c <= 'Z'
                    || c >= '0' && c <= '9'
                    || c == '-'
                    || c == '.'
                    || c == '_'
                    || c == '~') {
                out.append(c);
            } else {
                out.append('%').append(String.format(Locale.ROOT, "%02X", b & 0xff));
            }
        }
        return out.toString();
    }

    private static ObjectNode inferenceConfig(Sampling s, int maxTokens) {
        ObjectNode config = Payloads.object().put("maxTokens", maxTokens);
        if (s.temperature() != null) {
            config.put("temperature", s.temperature());
        }
        if (s.topP() != null) {
            config.put("topP", s.topP());
        }
        if (!s.stop().isEmpty()) {
            ArrayNode stop = config.putArray("stopSequences");
            s.stop().forEach(stop::add);
        }
        return config;
    }

    private static ObjectNode toolConfig(ChatRequest request) {
        boolean toolHistory = request.messages().stream()
                .anyMatch(m -> !m.toolCalls().isEmpty() || m.role() == ChatMessage.Role.TOOL);
        ToolChoice choice = request.toolChoice();
        boolean none = choice != null && choice.mode() == ToolChoice.Mode.NONE;
        ObjectNode config = Payloads.object();
        ArrayNode tools = config.putArray("tools");
        if (!request.tools().isEmpty() && (!none || toolHistory)) {
            for (Tool tool : request.tools()) {
                ObjectNode spec = tools.addObject().putObject("toolSpec").put("name", tool.name());
                if (tool.description() != null && !tool.description().isEmpty()) {
                    spec.put("description", tool.description());
                }
                spec.putObject("inputSchema")
                        .set(
                                "json",
                                tool.parameters() != null
                                        ? tool.parameters()
                                        : Payloads.object().put("type", "object"));
            }
            if (choice != null) {
                config.set("toolChoice", toolChoice(choice));
            }
        } else if (request.tools().isEmpty() && toolHistory) {
            Set<String> used = new LinkedHashSet<>();
            request.messages().forEach(m -> m.toolCalls().forEach(call -> used.add(call.name())));
            for (String name : used) {
                tools.addObject()
                        .putObject("toolSpec")
                        .put("name", name)
                        .putObject("inputSchema")
                        .putObject("json")
                        .put("type", "object");
            }
        }
        return tools.isEmpty() ? null : config;
    }

    private static ObjectNode toolChoice(ToolChoice choice) {
        ObjectNode out = Payloads.object();
        switch (choice.mode()) {
            // NONE gets here only when the conversation forces a toolConfig: auto is the nearest Converse has
            case AUTO, NONE -> out.putObject("auto");
            case REQUIRED -> out.putObject("any");
            case TOOL -> out.putObject("tool").put("name", choice.name());
        }
        return out;
    }

    private static ArrayNode system(List<ChatMessage> messages) {
        ArrayNode system = Payloads.JSON.createArrayNode();
        for (ChatMessage message : messages) {
            if (message.role() != ChatMessage.Role.SYSTEM && message.role() != ChatMessage.Role.DEVELOPER) {
                continue;
            }
            for (ContentPart part : message.content()) {
                if (!(part instanceof ContentPart.Text text)) {
                    throw UpstreamFailure.badRequest(
                            "a " + message.role().wireName() + " message can only hold text at Bedrock");
                }
                text(text, system);
            }
        }
        return system;
    }

    /** A non-empty text block (Bedrock refuses blank text), and the cache point its marker asks for. */
    private static void text(ContentPart.Text text, ArrayNode blocks) {
        if (!text.text().isEmpty()) {
            blocks.addObject().put("text", text.text());
        }
        if (text.cacheControl() != null) {
            cachePoint(blocks);
        }
    }

    private static void cachePoint(ArrayNode blocks) {
        blocks.addObject().putObject("cachePoint").put("type", "default");
    }

    /** One request's messages; document names must differ within a request, so they are tracked here. */
    private static final class Conversation {

        private final Set<String> documentNames = new HashSet<>();

        ArrayNode messages(List<ChatMessage> messages) {
            ArrayNode out = Payloads.JSON.createArrayNode();
            String lastRole = null;
            ArrayNode lastContent = null;
            for (ChatMessage message : messages) {
                ArrayNode blocks = Payloads.JSON.createArrayNode();
                switch (message.role()) {
                    case SYSTEM, DEVELOPER -> {
                        // already in the top-level system blocks
                    }
                    case USER -> user(message, blocks);
                    case ASSISTANT -> assistant(message, blocks);
                    case TOOL -> toolResult(message, blocks);
                }
                if (blocks.isEmpty()) {
                    // system turns, and empty ones: Bedrock refuses a message without content
                    continue;
                }
                String role = message.role() == ChatMessage.Role.ASSISTANT ? "assistant" : "user";
                if (role.equals(lastRole)) {
                    lastContent.addAll(blocks);
                } else {
                    out.addObject().put("role", role).set("content", blocks);
                    lastRole = role;
                    lastContent = blocks;
                }
            }
            return out;
        }

        private void user(ChatMessage message, ArrayNode blocks) {
            for (ContentPart part : message.content()) {
                switch (part) {
                    case ContentPart.Text text -> text(text, blocks);
                    case ContentPart.Image image -> blocks.add(image(image.url()));
                    case ContentPart.File file -> blocks.add(document(file));
                    case ContentPart.Audio ignored ->
                        throw UpstreamFailure.badRequest("Bedrock's Claude models take no audio input");
                }
            }
        }

        private static void assistant(ChatMessage message, ArrayNode blocks) {
            for (ReasoningPart reasoning : message.reasoning()) {
                if (!reasoning.sendableTo("bedrock-converse")) {
                    continue;
                }
                if (reasoning.redacted() != null) {
                    blocks.addObject().putObject("reasoningContent").put("redactedContent", reasoning.redacted());
                } else if (reasoning.signature() != null) {
                    blocks.addObject()
                            .putObject("reasoningContent")
                            .putObject("reasoningText")
                            .put("text", reasoning.text() == null ? "" : reasoning.text())
                            .put("signature", reasoning.signature());
                }
            }
            for (ContentPart part : message.content()) {
                if (!(part instanceof ContentPart.Text text)) {
                    throw UpstreamFailure.badRequest("an assistant message can only hold text at Bedrock");
                }
                text(text, blocks);
            }
            for (ToolCall call : message.toolCalls()) {
                ObjectNode use = blocks.addObject()
                        .putObject("toolUse")
                        .put("toolUseId", ToolUseIds.of(call.id(), TOOL_USE_ID_MAX))
                        .put("name", call.name());
                use.set("input", Payloads.arguments(call));
            }
        }

        private void toolResult(ChatMessage message, ArrayNode blocks) {
            ObjectNode result = blocks.addObject()
                    .putObject("toolResult")
                    .put("toolUseId", ToolUseIds.of(message.toolCallId(), TOOL_USE_ID_MAX));
            ArrayNode content = result.putArray("content");
            boolean cached = false;
            if (message.content().stream().allMatch(p -> p instanceof ContentPart.Text)) {
                JsonNode value = Payloads.toolResult(message.text());
                content.addObject().set(value.isObject() ? "json" : "text", value);
                cached = message.content().stream().anyMatch(p -> ((ContentPart.Text) p).cacheControl() != null);
            } else {
                for (ContentPart part : message.content()) {
                    switch (part) {
                        case ContentPart.Text text -> {
                            if (!text.text().isEmpty()) {
                                content.addObject().put("text", text.text());
                            }
                            cached |= text.cacheControl() != null;
                        }
                        case ContentPart.Image image -> content.add(image(image.url()));
                        case ContentPart.File file -> content.add(document(file));
                        case ContentPart.Audio ignored ->
                            throw UpstreamFailure.badRequest("Bedrock's Claude models take no audio input");
                    }
                }
            }
            if (cached) {
                // a cache point cannot stand inside a tool result: it closes the block instead
                cachePoint(blocks);
            }
        }

        private static ObjectNode image(String url) {
            Payloads.DataUrl data = Payloads.dataUrl(url);
            if (data == null) {
                throw UpstreamFailure.badRequest(
                        "Bedrock's Converse API takes images as bytes only: send the image as a data: URL");
            }
            String format = IMAGE_FORMATS.get(data.mediaType());
            if (format == null) {
                throw UpstreamFailure.badRequest(
                        "Bedrock takes PNG, JPEG, GIF and WebP images, not " + data.mediaType());
            }
            ObjectNode block = Payloads.object();
            block.putObject("image").put("format", format).putObject("source").put("bytes", data.base64());
            return block;
        }

        private ObjectNode document(ContentPart.File file) {
            if (file.data() == null) {
                throw UpstreamFailure.badRequest(
                        "Bedrock cannot read file " + file.fileId() + ": send the file's data");
            }
            Payloads.DataUrl data = Payloads.dataUrl(file.data());
            if (data == null
                    && (file.data().startsWith("https://") || file.data().startsWith("http://"))) {
                throw UpstreamFailure.badRequest(
                        "Bedrock's Converse API takes documents as bytes only: send the file's data");
            }
            String mediaType = data != null ? data.mediaType() : file.mediaType();
            String format = DOCUMENT_FORMATS.get(mediaType);
            if (format == null) {
                throw UpstreamFailure.badRequest(
                        "Bedrock reads PDF, CSV, Word, Excel, HTML, text and Markdown documents, not " + mediaType);
            }
            ObjectNode block = Payloads.object();
            block.putObject("document")
                    .put("format", format)
                    .put("name", documentName(file.filename()))
                    .putObject("source")
                    .put("bytes", data != null ? data.base64() : file.data());
            return block;
        }

        /**
         * Bedrock allows letters, digits, single spaces, hyphens, parentheses and square brackets in a
         * document name (so not a file name's dot): others become hyphens, the extension (already the
         * {@code format}) is dropped, and a repeated name gets a number.
         */
        private String documentName(String filename) {
            String base = filename == null ? "" : filename.strip();
            int dot = base.lastIndexOf('.');
            if (dot > 0) {
                base = base.substring(0, dot);
            }
            base = base.replaceAll("[^A-Za-z0-9\\s()\\[\\]-]", "-")
                    .replaceAll("\\s+", " ")
                    .strip();
            if (base.isEmpty()) {
                base = "document";
            }
            String name = base;
            for (int n = 2; !documentNames.add(name); n++) {
                name = base + " (" + n + ")";
            }
            return name;
        }
    }

    @Override
    public StreamTranslator newTranslator(ProviderSpec provider, EndpointSpec endpoint, ChatRequest request) {
        return new BedrockStreamTranslator();
    }

    @Override
    public UpstreamFailure classifyError(int httpStatus, Headers headers, byte[] body) {
        ErrorClass errorClass = ErrorClass.fromUpstreamStatus(httpStatus);
        String message = "provider answered HTTP " + httpStatus;
        JsonNode root = Payloads.tryParse(body);
        String text = null;
        if (root != null) {
            // Bedrock writes "message"; some AWS front ends write "Message"
            JsonNode m = root.has("message") ? root.path("message") : root.path("Message");
            text = m.isTextual() ? m.asText() : null;
        }
        String type = errorType(headers.get("x-amzn-ErrorType"));
        if (type == null && root != null && root.path("__type").isTextual()) {
            type = errorType(root.path("__type").asText());
        }
        if (type != null) {
            errorClass = errorClass(type, text, errorClass);
            message = message + " " + type;
        }
        if (text != null) {
            message = message + ": " + UpstreamFailure.truncate(text);
        }
        return new UpstreamFailure(errorClass, message, httpStatus);
    }

    /** {@code ThrottlingException:http://internal.amazon.com/coral/com.amazon.bedrock/} or {@code com.amazon.coral#ThrottlingException}: the bare name. */
    private static String errorType(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String type = value;
        int colon = type.indexOf(':');
        if (colon >= 0) {
            type = type.substring(0, colon);
        }
        int hash = type.lastIndexOf('#');
        if (hash >= 0) {
            type = type.substring(hash + 1);
        }
        return type.isBlank() ? null : type.strip();
    }

    /**
     * Bedrock's exception names, as HTTP error types ({@code ThrottlingException}) or stream
     * exception events ({@code throttlingException}). Unrecognized and expired credentials are
     * the router's configuration: another provider can still answer.
     */
    static ErrorClass errorClass(String exception, String message, ErrorClass otherwise) {
        String name =
                exception.isEmpty() ? exception : Character.toUpperCase(exception.charAt(0)) + exception.substring(1);
        return switch (name) {
            case "ThrottlingException", "ModelNotReadyException", "ServiceQuotaExceededException" ->
                ErrorClass.RATE_LIMITED;
            case "ValidationException" ->
                contextTooLong(message) ? ErrorClass.CONTEXT_LENGTH_EXCEEDED : ErrorClass.BAD_REQUEST;
            case "AccessDeniedException",
                    "UnrecognizedClientException",
                    "InvalidSignatureException",
                    "IncompleteSignatureException",
                    "MissingAuthenticationTokenException",
                    "ExpiredTokenException" -> ErrorClass.AUTH;
            case "ResourceNotFoundException" -> ErrorClass.NOT_FOUND;
            case "ServiceUnavailableException" -> ErrorClass.OVERLOADED;
            case "InternalServerException", "ModelErrorException", "ModelStreamErrorException" -> ErrorClass.UPSTREAM;
            case "ModelTimeoutException" -> ErrorClass.TIMEOUT;
            default -> otherwise;
        };
    }

    /** "Input is too long for requested model.", or Claude's own "prompt is too long: ..." passed through. */
    private static boolean contextTooLong(String message) {
        if (message == null) {
            return false;
        }
        String m = message.toLowerCase(Locale.ROOT);
        return m.contains("too long") || m.contains("exceed context limit");
    }
}
