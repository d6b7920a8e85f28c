package dev.switchboard.wire;

/**
 * Reasoning an assistant produced earlier in the conversation, kept so that it can be sent back:
 * providers that sign their reasoning (Anthropic thinking blocks, Bedrock reasoning content, Gemini
 * thought signatures) refuse a tool-use turn whose reasoning comes back altered or missing.
 *
 * @param text      the reasoning text (may be empty when only a signature exists)
 * @param signature the provider's opaque signature over {@code text}, or null
 * @param redacted  opaque reasoning the provider withheld (Anthropic {@code redacted_thinking}), or null
 * @param format    the wire family that produced it ({@code anthropic-messages}, {@code gemini}...), or
 *                  null when unknown: a signature only means something to the family that made it, so
 *                  adapters send back only their own family's (or unknown) signed reasoning
 */
public record ReasoningPart(String text, String signature, String redacted, String format) {

    public ReasoningPart(String text, String signature, String redacted) {
        this(text, signature, redacted, null);
    }

    /** Whether this part may go to a provider of {@code family}. */
    public boolean sendableTo(String family) {
        return format == null || format.equals(family);
    }
}
