package dev.switchboard.catalog;

import java.util.Map;
import java.util.Set;

/**
 * A provider: where it lives, how to talk to it and what it does with the data it is sent.
 *
 * @param family     the wire family its adapter speaks (see {@link #FAMILIES})
 * @param credential name of the credential to present (resolved by the router's credential source)
 * @param options    settings of the family's adapter for this provider (its quirks: an auth header,
 *                   a parameter name, an id rule); each adapter documents and validates its own keys
 * @param dataPolicy what the provider does with prompts, as it publishes it; never null
 *                   ({@link DataPolicy#DEFAULT} when the catalog says nothing)
 * @param rateLimits the provider's published limits for Switchboard's account; never null
 *                   ({@link RateLimits#UNPUBLISHED} when the catalog says nothing)
 */
public record ProviderSpec(
        String name,
        String displayName,
        String family,
        String baseUrl,
        String credential,
        Map<String, String> options,
        DataPolicy dataPolicy,
        RateLimits rateLimits) {

    public static final Set<String> FAMILIES =
            Set.of("openai-chat", "anthropic-messages", "gemini", "cohere-v2", "bedrock-converse");

    public ProviderSpec {
        options = options == null ? Map.of() : Map.copyOf(options);
        dataPolicy = dataPolicy == null ? DataPolicy.DEFAULT : dataPolicy;
        rateLimits = rateLimits == null ? RateLimits.UNPUBLISHED : rateLimits;
    }

    /** A provider without published rate limits. */
    public ProviderSpec(
            String name,
            String displayName,
            String family,
            String baseUrl,
            String credential,
            Map<String, String> options,
            DataPolicy dataPolicy) {
        this(name, displayName, family, baseUrl, credential, options, dataPolicy, RateLimits.UNPUBLISHED);
    }

    public ProviderSpec withBaseUrl(String url) {
        return new ProviderSpec(name, displayName, family, url, credential, options, dataPolicy, rateLimits);
    }

    /**
     * Limits the provider publishes for the account Switchboard calls it with (catalog key
     * {@code rate_limits}); 0 means not published. They depend on the account's usage tier, so the
     * operator fills them in for their own account.
     */
    public record RateLimits(long requestsPerMinute, long tokensPerMinute) {

        public static final RateLimits UNPUBLISHED = new RateLimits(0, 0);

        public RateLimits {
            if (requestsPerMinute < 0 || tokensPerMinute < 0) {
                throw new IllegalArgumentException("rate limits must not be negative");
            }
        }

        /** Whether either limit is published. */
        public boolean published() {
            return requestsPerMinute > 0 || tokensPerMinute > 0;
        }
    }

    /** The option {@code key}, or {@code fallback} when it is not set. */
    public String option(String key, String fallback) {
        return options.getOrDefault(key, fallback);
    }

    /**
     * A provider's published data policy for API traffic (catalog key {@code data_policy}).
     *
     * @param training       the provider may train models on prompts and completions
     * @param retainsPrompts the provider keeps prompts or completions after answering (logs, abuse
     *                       monitoring), for however short a time
     */
    public record DataPolicy(boolean training, boolean retainsPrompts) {

        /**
         * What the catalog assumes when it says nothing: no training (the API terms of every
         * provider listed), but prompts retained, the conservative side.
         */
        public static final DataPolicy DEFAULT = new DataPolicy(false, true);

        /**
         * Whether the provider keeps or uses what it is sent: a request with
         * {@code provider.data_collection: "deny"} must not reach such a provider.
         */
        public boolean collectsData() {
            return training || retainsPrompts;
        }
    }
}
