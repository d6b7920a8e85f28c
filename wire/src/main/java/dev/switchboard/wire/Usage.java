package dev.switchboard.wire;

/**
 * Token counts of one generation and its cost in nano-USD (1e-9 USD).
 *
 * @param source {@code provider} when the provider reported the counts, {@code estimated} when
 *               Switchboard counted them itself
 */
public record Usage(
        int promptTokens,
        int completionTokens,
        int cachedPromptTokens,
        int reasoningTokens,
        long costNanos,
        String source) {

    public static final String SOURCE_PROVIDER = "provider";
    public static final String SOURCE_ESTIMATED = "estimated";

    public int totalTokens() {
        return promptTokens + completionTokens;
    }
}
