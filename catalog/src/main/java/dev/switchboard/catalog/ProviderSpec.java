package dev.switchboard.catalog;

/**
 * A provider: where it lives and how to talk to it.
 *
 * @param family     the wire family its adapter speaks (see {@link #FAMILIES})
 * @param credential name of the credential to present (resolved by the router's credential source)
 */
public record ProviderSpec(String name, String displayName, String family, String baseUrl, String credential) {

    public static final java.util.Set<String> FAMILIES = java.util.Set.of(
            "openai-chat", "anthropic-messages", "gemini", "cohere-v2", "bedrock-converse");

    public ProviderSpec withBaseUrl(String url) {
        return new ProviderSpec(name, displayName, family, url, credential);
    }
}
