package dev.switchboard.edge.dialect.completions;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.edge.dialect.JsonOut;
import dev.switchboard.edge.dialect.ResponseDialect;
import dev.switchboard.edge.dialect.openai.OpenAiResponses;
import dev.switchboard.wire.Money;
import dev.switchboard.wire.RouteEvent;
import dev.switchboard.wire.Usage;

/** Writes router events as {@code text_completion} objects: text only (tool calls and reasoning have no place here). */
public final class CompletionResponses extends ResponseDialect {

    private final OpenAiResponses chat;
    private final String id;
    private final long created;

    public CompletionResponses(String generationId, long created, String model) {
        super(model);
        this.chat = new OpenAiResponses(generationId, created, model);
        this.id = generationId;
        this.created = created;
    }

    @Override
    public void routed(RouteEvent.Routed routed) {
        super.routed(routed);
        chat.routed(routed);
    }

    @Override
    public byte[] streamStart() {
        return new byte[0];
    }

    @Override
    public byte[] delta(RouteEvent.Delta delta) {
        return delta.content() == null ? new byte[0] : JsonOut.data(completion(delta.content(), null));
    }

    @Override
    public byte[] finish(RouteEvent.Finished finished) {
        message.finish(finished);
        return JsonOut.data(completion("", finished.reason()));
    }

    @Override
    public byte[] streamEnd(Usage usage) {
        ObjectNode last = completion("", null);
        last.putArray("choices");
        last.set("usage", usage(usage));
        return JsonOut.concat(JsonOut.data(last), JsonOut.done());
    }

    /** The same error chunk as chat completions: clients of both read {@code error} and {@code finish_reason}. */
    @Override
    public byte[] streamError(int status, String text) {
        return chat.streamError(status, text);
    }

    @Override
    public byte[] complete(Usage usage) {
        ObjectNode body = completion(message.content(), message.finishReason());
        body.set("usage", usage(usage));
        return JsonOut.bytes(body);
    }

    private ObjectNode completion(String piece, String finishReason) {
        ObjectNode node = JsonOut.object()
                .put("id", id)
                .put("object", "text_completion")
                .put("created", created)
                .put("model", model());
        if (provider() != null) {
            node.put("provider", provider());
        }
        ObjectNode choice =
                node.putArray("choices").addObject().put("text", piece).put("index", 0);
        choice.putNull("logprobs");
        if (finishReason == null) {
            choice.putNull("finish_reason");
        } else {
            choice.put("finish_reason", finishReason);
        }
        return node;
    }

    private static ObjectNode usage(Usage usage) {
        return JsonOut.object()
                .put("prompt_tokens", usage.promptTokens())
                .put("completion_tokens", usage.completionTokens())
                .put("total_tokens", usage.totalTokens())
                .put("cost", Money.usd(usage.costNanos()));
    }
}
