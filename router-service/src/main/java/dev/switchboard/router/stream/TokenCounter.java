package dev.switchboard.router.stream;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingRegistry;
import com.knuddels.jtokkit.api.EncodingType;
import dev.switchboard.wire.ChatMessage;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;

/**
 * Counts tokens with jtokkit when a provider does not report usage. Counts are for OpenAI's
 * tokenizers (o200k for the GPT-4o generation, cl100k otherwise): exact for OpenAI models, a
 * close estimate for others, marked {@code estimated} in usage events.
 */
@ApplicationScoped
public class TokenCounter {

    /** Per-message framing tokens of the chat format, as OpenAI documents them. */
    private static final int PER_MESSAGE = 3;

    private static final int PER_REPLY = 3;

    private final Encoding o200k;
    private final Encoding cl100k;

    public TokenCounter() {
        EncodingRegistry registry = Encodings.newLazyEncodingRegistry();
        this.o200k = registry.getEncoding(EncodingType.O200K_BASE);
        this.cl100k = registry.getEncoding(EncodingType.CL100K_BASE);
    }

    public Encoding encodingFor(String model) {
        return model.startsWith("openai/gpt-4o")
                        || model.startsWith("openai/o")
                        || model.startsWith("openai/gpt-4.1")
                        || model.startsWith("openai/gpt-5")
                ? o200k
                : cl100k;
    }

    public int countPrompt(String model, List<ChatMessage> messages) {
        Encoding encoding = encodingFor(model);
        int tokens = PER_REPLY;
        for (ChatMessage message : messages) {
            tokens += PER_MESSAGE + encoding.countTokens(message.text());
            for (var call : message.toolCalls()) {
                tokens += encoding.countTokens(call.name()) + encoding.countTokens(call.arguments());
            }
        }
        return tokens;
    }

    public int count(String model, String text) {
        return text.isEmpty() ? 0 : encodingFor(model).countTokens(text);
    }
}
