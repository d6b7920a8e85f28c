package dev.switchboard.edge.service;

import dev.switchboard.catalog.EndpointSpec;
import dev.switchboard.catalog.LiveCatalog;
import dev.switchboard.catalog.ModelSpec;
import dev.switchboard.catalog.Pricing;
import dev.switchboard.wire.ChatMessage;
import dev.switchboard.wire.ChatRequest;
import dev.switchboard.wire.ContentPart;
import dev.switchboard.wire.ToolCall;
import jakarta.enterprise.context.ApplicationScoped;

import java.nio.charset.StandardCharsets;

/**
 * Sizes the credit hold of a request: the worst case over every endpoint that may serve it.
 * The prompt is bounded by its UTF-8 size (no tokenizer emits more tokens than bytes) plus the
 * chat format's framing; the output by the request's max tokens, capped by each endpoint's limit
 * (the router sends that cap to the provider, so the answer cannot be longer).
 */
@ApplicationScoped
public class HoldEstimator {

    private static final int FRAMING_PER_MESSAGE = 4;

    private final LiveCatalog catalog;

    public HoldEstimator(LiveCatalog catalog) {
        this.catalog = catalog;
    }

    public long holdNanos(ChatRequest request) {
        int promptBound = promptTokenBound(request);
        int images = request.inputImages();
        long worst = 0;
        for (String modelId : request.models()) {
            ModelSpec model = catalog.current().model(modelId).orElse(null);
            if (model == null) {
                continue;
            }
            for (EndpointSpec endpoint : model.endpoints()) {
                int output = request.maxTokens() == null
                        ? endpoint.maxOutputTokens()
                        : Math.min(request.maxTokens(), endpoint.maxOutputTokens());
                int prompt = Math.min(promptBound, endpoint.contextLength());
                worst = Math.max(worst, Pricing.worstCaseNanos(endpoint.prices(), prompt, output, images));
            }
        }
        return worst;
    }

    /** Upper bound of the prompt in tokens (UTF-8 bytes plus the chat framing). */
    public static int promptTokenBound(ChatRequest request) {
        long bytes = 3;
        for (ChatMessage message : request.messages()) {
            bytes += FRAMING_PER_MESSAGE;
            for (ContentPart part : message.content()) {
                bytes += switch (part) {
                    case ContentPart.Text text -> text.text().getBytes(StandardCharsets.UTF_8).length;
                    // images count as prompt tokens by the provider's own tiling (a generous flat bound here);
                    // an endpoint's per-image fee, if any, is added in holdNanos
                    case ContentPart.Image image -> 1_500;
                    // documents and audio: their encoded size bounds what the provider can count
                    case ContentPart.File file ->
                        file.data() == null ? 1_500 : file.data().length();
                    case ContentPart.Audio audio -> audio.data().length();
                };
            }
            for (ToolCall call : message.toolCalls()) {
                bytes += call.name().length() + call.arguments().getBytes(StandardCharsets.UTF_8).length;
            }
        }
        for (var tool : request.tools()) {
            bytes += tool.name().length()
                    + (tool.description() == null ? 0 : tool.description().length())
                    + (tool.parameters() == null
                            ? 0
                            : tool.parameters().toString().length());
        }
        return (int) Math.min(Integer.MAX_VALUE, bytes);
    }
}
