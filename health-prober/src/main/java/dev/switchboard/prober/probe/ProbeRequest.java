package dev.switchboard.prober.probe;

import dev.switchboard.catalog.ProviderSpec;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

/**
 * The cheapest authenticated call that tells whether a provider answers: its model list, in its own
 * family's path and credential header. Free, and it checks the credential too (a revoked key shows as
 * down before a user request fails on it).
 *
 * <p>Bedrock has no such call on its runtime endpoint (listing models is another service, and every
 * call needs a SigV4 signature): it is not probed, its status comes from real traffic only.
 */
record ProbeRequest(String url, Map<String, String> headers) {

    @Override
    public String toString() {
        return "ProbeRequest[" + url + "]";
    }

    static Optional<ProbeRequest> of(ProviderSpec provider, String credential) {
        String base = provider.baseUrl().endsWith("/") ? provider.baseUrl().substring(0, provider.baseUrl().length() - 1) : provider.baseUrl();
        return switch (provider.family()) {
            case "openai-chat" -> Optional.of("azure-deployment".equals(provider.options().get("url"))
                    ? new ProbeRequest(base + "/openai/models?api-version=" + URLEncoder.encode(provider.option("api_version", ""), StandardCharsets.UTF_8),
                    credential == null ? Map.of() : Map.of("api-key", credential))
                    : new ProbeRequest(base + "/models", bearer(credential)));
            case "anthropic-messages" -> Optional.of(new ProbeRequest(base + "/v1/models", credential == null
                    ? Map.of("anthropic-version", "2023-06-01")
                    : Map.of("x-api-key", credential, "anthropic-version", "2023-06-01")));
            case "gemini" -> Optional.of(new ProbeRequest(base + "/models", credential == null ? Map.of() : Map.of("x-goog-api-key", credential)));
            case "cohere-v2" -> Optional.of(new ProbeRequest(base + "/v1/models", bearer(credential)));
            default -> Optional.empty();
        };
    }

    private static Map<String, String> bearer(String credential) {
        return credential == null ? Map.of() : Map.of("Authorization", "Bearer " + credential);
    }
}
