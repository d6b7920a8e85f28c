package dev.switchboard.catalog;

/**
 * One provider serving one model, at its own price and limits.
 *
 * @param quantization the weights' precision as the provider states it ({@code fp8}, {@code bf16}...), or null
 * @param zdr          zero data retention: this endpoint keeps nothing of a request once answered, by
 *                     default and without a special agreement (a request with {@code provider.zdr: true}
 *                     may only use such endpoints)
 */
public record EndpointSpec(
        String model,
        String provider,
        String upstreamModel,
        int contextLength,
        int maxOutputTokens,
        Prices prices,
        String quantization,
        boolean zdr) {

    /** Stable id, e.g. {@code openai/gpt-4o-mini@openai}. */
    public String id() {
        return model + "@" + provider;
    }
}
