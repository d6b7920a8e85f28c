package dev.switchboard.catalog;

/** One provider serving one model, at its own price and limits. */
public record EndpointSpec(String model, String provider, String upstreamModel, int contextLength, int maxOutputTokens, Prices prices) {

    /** Stable id, e.g. {@code openai/gpt-4o-mini@openai}. */
    public String id() {
        return model + "@" + provider;
    }
}
