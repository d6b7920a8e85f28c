package dev.switchboard.catalog;

/**
 * Prices of one endpoint, per token in pico-USD (1e-12 USD) so that every published price
 * (quoted in USD per million tokens with up to six decimals) is an exact integer.
 *
 * @param requestNanos a flat fee per request, in nano-USD
 * @param imageNanos   a fee per input image, in nano-USD, where the provider lists one (charged once per
 *                     image part of the request, on top of the tokens; most providers count images as
 *                     prompt tokens instead and have none)
 */
public record Prices(
        long promptPico,
        long completionPico,
        long cachedPromptPico,
        long reasoningPico,
        long requestNanos,
        long imageNanos) {

    public Prices {
        if (promptPico < 0
                || completionPico < 0
                || cachedPromptPico < 0
                || reasoningPico < 0
                || requestNanos < 0
                || imageNanos < 0) {
            throw new IllegalArgumentException("prices must not be negative");
        }
    }

    /** Prices without a per-image fee. */
    public Prices(long promptPico, long completionPico, long cachedPromptPico, long reasoningPico, long requestNanos) {
        this(promptPico, completionPico, cachedPromptPico, reasoningPico, requestNanos, 0);
    }
}
