package dev.switchboard.providers.cohere;

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

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Cohere's v2 chat API ({@code POST /v2/chat}, {@code Authorization: Bearer}) and v2 embed API.
 *
 * <p>Mapping choices, where Cohere's model differs from the internal one:
 * <ul>
 *   <li>system and developer messages become one leading {@code system} message (Cohere refuses a
 *       system turn that is not first);</li>
 *   <li>an assistant message's text beside tool calls is its {@code tool_plan}, the text Cohere
 *       itself writes before calling tools, so the plan streamed as content comes back where it
 *       came from; earlier reasoning goes back as {@code thinking} content blocks;</li>
 *   <li>a tool result is one {@code document} block whose {@code data} is the result object (a
 *       result that is not a JSON object is wrapped as {@code {"result": ...}}), the shape Cohere's
 *       API description gives documents, so Cohere can cite it;</li>
 *   <li>a named tool choice is {@code REQUIRED} with only that tool offered: Cohere cannot name a
 *       tool, and this forces exactly that call;</li>
 *   <li>{@code parallel_tool_calls}, {@code logprobs} and the client's {@code user} have no Cohere
 *       counterpart and are not sent; files and audio are refused (Cohere reads text and images).</li>
 * </ul>
 */
@ApplicationScoped
public class CohereAdapter implements ProviderAdapter {

    @Override
    public String family() {
        return "cohere-v2";
    }

    /** The model list, {@code {base}/v1/models}. */
    @Override
    public Optional<ProbeRequest> probe(ProviderSpec provider, String credential) {
        return Optional.of(new ProbeRequest(
                Payloads.trimSlash(provider.baseUrl()) + "/v1/models", ProbeRequest.bearer(credential)));
    }

    @Override
    public UpstreamRequest toUpstream(
            ProviderSpec provider, EndpointSpec endpoint, ChatRequest request, int maxTokens, String credential) {
        ObjectNode body = Payloads.object();
        body.put("model", endpoint.upstreamModel());
        body.set("messages", messages(request.messages()));
        body.put("stream", true);
        body.put("max_tokens", maxTokens);
        sampling(body, request.sampling());
        if (!request.tools().isEmpty()) {
            tools(body, request.tools(), request.toolChoice());
        }
        if (request.responseFormat() != null) {
            ObjectNode format = body.putObject("response_format");
            switch (request.responseFormat().type()) {
                case TEXT -> format.put("type", "text");
                case JSON_OBJECT -> format.put("type", "json_object");
                case JSON_SCHEMA ->
                    format.put("type", "json_object")
                            .set("json_schema", request.responseFormat().schema());
            }
        }
        if (request.reasoning() != null) {
            int budget = request.reasoning().budget(maxTokens);
            // a zero budget is a request not to think; Cohere's token_budget must be positive
            body.set(
                    "thinking",
                    budget > 0
                            ? Payloads.object().put("type", "enabled").put("token_budget", budget)
                            : Payloads.object().put("type", "disabled"));
        }
        return new UpstreamRequest(
                Payloads.trimSlash(provider.baseUrl()) + "/v2/chat",
                headers(credential, "text/event-stream"),
                Payloads.bytes(body));
    }

    private static Map<String, String> headers(String credential, String accept) {
        return Map.of("Authorization", "Bearer " + credential, "Content-Type", "application/json", "Accept", accept);
    }

    private static void sampling(ObjectNode body, Sampling s) {
        if (s.temperature() != null) {
            body.put("temperature", s.temperature());
        }
        if (s.topP() != null) {
            body.put("p", s.topP());
        }
        if (s.topK() != null) {
            body.put("k", s.topK());
        }
        if (s.seed() != null) {
            body.put("seed", s.seed());
        }
        if (!s.stop().isEmpty()) {
            ArrayNode stop = body.putArray("stop_sequences");
            s.stop().forEach(stop::add);
        }
        if (s.frequencyPenalty() != null) {
            body.put("frequency_penalty", s.frequencyPenalty());
        }
        if (s.presencePenalty() != null) {
            body.put("presence_penalty", s.presencePenalty());
        }
    }

    private static void tools(ObjectNode body, List<Tool> tools, ToolChoice choice) {
        List<Tool> offered = tools;
        if (choice != null && choice.mode() == ToolChoice.Mode.TOOL) {
            offered = tools.stream().filter(t -> t.name().equals(choice.name())).toList();
            if (offered.isEmpty()) {
                throw UpstreamFailure.badRequest(
                        "tool_choice names " + choice.name() + ", which is not among the tools");
            }
        }
        ArrayNode out = body.putArray("tools");
        for (Tool tool : offered) {
            ObjectNode function = out.addObject()
                    .put("type", "function")
                    .putObject("function")
                    .put("name", tool.name());
            if (tool.description() != null) {
                function.put("description", tool.description());
            }
            // Cohere requires parameters; a tool without any takes an empty object
            function.set(
                    "parameters",
                    tool.parameters() != null
                            ? tool.parameters()
                            : Payloads.object().put("type", "object").set("properties", Payloads.object()));
        }
        if (choice != null) {
            switch (choice.mode()) {
                case AUTO -> {
                    // Cohere's default; it has no value for it
                }
                case NONE -> body.put("tool_choice", "NONE");
                case REQUIRED, TOOL -> body.put("tool_choice", "REQUIRED");
            }
        }
    }

    private static ArrayNode messages(List<ChatMessage> messages) {
        ArrayNode out = Payloads.JSON.createArrayNode();
        List<String> system = new ArrayList<>();
        for (ChatMessage message : messages) {
            if (message.role() == ChatMessage.Role.SYSTEM || message.role() == ChatMessage.Role.DEVELOPER) {
                system.add(message.text());
            }
        }
        if (!system.isEmpty()) {
            out.addObject().put("role", "system").put("content", String.join("\n\n", system));
        }
        for (ChatMessage message : messages) {
            switch (message.role()) {
                case SYSTEM, DEVELOPER -> {
                    // already joined into the leading system message
                }
                case USER -> out.add(user(message));
                case ASSISTANT -> out.add(assistant(message));
                case TOOL -> out.add(tool(message));
            }
        }
        return out;
    }

    private static ObjectNode user(ChatMessage message) {
        ObjectNode out = Payloads.object().put("role", "user");
        if (message.content().stream().allMatch(p -> p instanceof ContentPart.Text)) {
            return out.put("content", message.text());
        }
        ArrayNode parts = out.putArray("content");
        for (ContentPart part : message.content()) {
            switch (part) {
                case ContentPart.Text text ->
                    parts.addObject().put("type", "text").put("text", text.text());
                case ContentPart.Image(String url, String detail) -> {
                    // Cohere takes data: URLs and web URLs alike
                    ObjectNode image = parts.addObject()
                            .put("type", "image_url")
                            .putObject("image_url")
                            .put("url", url);
                    if (detail != null) {
                        image.put("detail", detail);
                    }
                }
                case ContentPart.File file -> throw UpstreamFailure.badRequest("cohere-v2 takes no file input");
                case ContentPart.Audio audio -> throw UpstreamFailure.badRequest("cohere-v2 takes no audio input");
            }
        }
        return out;
    }

    private static ObjectNode assistant(ChatMessage message) {
        ObjectNode out = Payloads.object().put("role", "assistant");
        String text = message.text();
        boolean calls = !message.toolCalls().isEmpty();
        List<String> thinking = message.reasoning().stream()
                .map(ReasoningPart::text)
                .filter(t -> t != null && !t.isEmpty())
                .toList();
        if (!thinking.isEmpty()) {
            ArrayNode content = out.putArray("content");
            thinking.forEach(t -> content.addObject().put("type", "thinking").put("thinking", t));
            if (!calls && !text.isEmpty()) {
                content.addObject().put("type", "text").put("text", text);
            }
        } else if (!calls && !text.isEmpty()) {
            out.put("content", text);
        }
        if (calls) {
            if (!text.isEmpty()) {
                out.put("tool_plan", text);
            }
            ArrayNode toolCalls = out.putArray("tool_calls");
            for (ToolCall call : message.toolCalls()) {
                toolCalls
                        .addObject()
                        .put("id", call.id())
                        .put("type", "function")
                        .putObject("function")
                        .put("name", call.name())
                        .put("arguments", Payloads.arguments(call).toString());
            }
        }
        return out;
    }

    private static ObjectNode tool(ChatMessage message) {
        if (!message.content().stream().allMatch(p -> p instanceof ContentPart.Text)) {
            throw UpstreamFailure.badRequest("cohere-v2 takes only text tool results");
        }
        if (message.toolCallId() == null) {
            throw UpstreamFailure.badRequest("cohere-v2 needs the id of the tool call a tool message answers");
        }
        JsonNode result = Payloads.toolResult(message.text());
        ObjectNode out = Payloads.object().put("role", "tool").put("tool_call_id", message.toolCallId());
        out.putArray("content")
                .addObject()
                .put("type", "document")
                .putObject("document")
                .set("data", result.isObject() ? result : Payloads.object().set("result", result));
        return out;
    }

    @Override
    public StreamTranslator newTranslator(ProviderSpec provider, EndpointSpec endpoint, ChatRequest request) {
        return new CohereStreamTranslator(
                request.reasoning() != null && request.reasoning().exclude());
    }

    /**
     * Cohere answers errors as {@code {"id": ..., "message": ...}} and says what went wrong only in
     * the status and the message. 402 means Cohere's billing limit for the router's key: a problem
     * of the provider account like a bad key, so another provider may serve the request. 504 is
     * Cohere's gateway giving up on the model, a timeout.
     */
    @Override
    public UpstreamFailure classifyError(int httpStatus, Headers headers, byte[] body) {
        ErrorClass errorClass = switch (httpStatus) {
            case 402 -> ErrorClass.AUTH;
            case 504 -> ErrorClass.TIMEOUT;
            default -> ErrorClass.fromUpstreamStatus(httpStatus);
        };
        String message = "provider answered HTTP " + httpStatus;
        JsonNode root = Payloads.tryParse(body);
        if (root != null && root.path("message").isTextual()) {
            String text = root.path("message").asText();
            if (httpStatus == 400 && contextExceeded(text)) {
                errorClass = ErrorClass.CONTEXT_LENGTH_EXCEEDED;
            }
            message = message + ": " + UpstreamFailure.truncate(text);
        }
        return new UpstreamFailure(errorClass, message, httpStatus);
    }

    /** "too many tokens: ..." is Cohere's prompt-size message, except where it is about the output cap ("max tokens must be..."). */
    private static boolean contextExceeded(String message) {
        String m = message.toLowerCase(Locale.ROOT);
        return m.startsWith("too many tokens") && !m.contains("max tokens must");
    }

    @Override
    public boolean embeds() {
        return true;
    }

    /** Inputs are embedded as {@code search_document}: the OpenAI-style embeddings request does not say what the text is for. */
    @Override
    public UpstreamRequest toEmbeddings(
            ProviderSpec provider, EndpointSpec endpoint, List<String> inputs, Integer dimensions, String credential) {
        ObjectNode body = Payloads.object().put("model", endpoint.upstreamModel());
        ArrayNode texts = body.putArray("texts");
        inputs.forEach(texts::add);
        body.put("input_type", "search_document");
        body.putArray("embedding_types").add("float");
        if (dimensions != null) {
            body.put("output_dimension", dimensions);
        }
        return new UpstreamRequest(
                Payloads.trimSlash(provider.baseUrl()) + "/v2/embed",
                headers(credential, "application/json"),
                Payloads.bytes(body));
    }

    @Override
    public Embeddings readEmbeddings(byte[] body, int expected) {
        JsonNode root = Payloads.tryParse(body);
        JsonNode vectors = root == null ? null : root.path("embeddings").path("float");
        if (vectors == null || !vectors.isArray() || vectors.size() != expected) {
            throw UpstreamFailure.malformed("expected " + expected + " float embeddings");
        }
        List<float[]> out = new ArrayList<>(expected);
        for (JsonNode vector : vectors) {
            if (!vector.isArray()) {
                throw UpstreamFailure.malformed("embedding is not an array");
            }
            out.add(Payloads.floats(vector));
        }
        JsonNode tokens = root.path("meta").path("billed_units").path("input_tokens");
        return new Embeddings(out, tokens.isNumber() ? tokens.asInt() : null);
    }
}
