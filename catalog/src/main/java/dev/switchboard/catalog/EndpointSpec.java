package dev.switchboard.catalog;

/**
 * One provider serving one model, at its own price and limits.
 *
 * @param quantization the weights' precision as the provider states it ({@code fp8}, {@code bf16}...), or null
 */
public record EndpointSpec(String model, String provider, String upstreamModel, int contextLength, int maxOutputTokens, Prices prices,
                           String quantization) {

    /** Stable id, e.g. {@code openai/gpt-4o-mini@openai}. */
    public String id() {
        return model + "@" + provider;
    }
}
