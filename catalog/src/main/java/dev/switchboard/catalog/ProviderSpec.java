package dev.switchboard.catalog;

import java.util.Map;
import java.util.Set;

/**
 * A provider: where it lives and how to talk to it.
 *
 * @param family     the wire family its adapter speaks (see {@link #FAMILIES})
 * @param credential name of the credential to present (resolved by the router's credential source)
 * @param options    settings of the family's adapter for this provider (its quirks: an auth header,
 *                   a parameter name, an id rule); each adapter documents and validates its own keys
 */
public record ProviderSpec(String name, String displayName, String family, String baseUrl, String credential,
                           Map<String, String> options) {

    public static final Set<String> FAMILIES = Set.of(
            "openai-chat", "anthropic-messages", "gemini", "cohere-v2", "bedrock-converse");

    public ProviderSpec {
        options = options == null ? Map.of() : Map.copyOf(options);
    }

    public ProviderSpec withBaseUrl(String url) {
        return new ProviderSpec(name, displayName, family, url, credential, options);
    }

    /** The option {@code key}, or {@code fallback} when it is not set. */
    public String option(String key, String fallback) {
        return options.getOrDefault(key, fallback);
    }
}
