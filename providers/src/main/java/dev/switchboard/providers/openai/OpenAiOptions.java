package dev.switchboard.providers.openai;

import dev.switchboard.catalog.ProviderSpec;

import java.util.Map;
import java.util.Set;

/**
 * How one provider of the OpenAI chat-completions family departs from OpenAI's own API; read from
 * the catalog's {@code options}. Every key and value is listed in the router-service README.
 *
 * @param azureDeployment   URL {@code {base}/openai/deployments/{model}/...?api-version=} (Azure OpenAI)
 * @param apiKeyHeader      credential in an {@code api-key} header instead of {@code Authorization: Bearer}
 * @param apiVersion        Azure's {@code api-version} query parameter
 * @param maxTokensParam    {@code max_tokens} or {@code max_completion_tokens} (OpenAI's reasoning models refuse the former)
 * @param seedParam         {@code seed} or {@code random_seed} (Mistral)
 * @param usageAlways       the provider sends usage in streams unasked and may refuse {@code stream_options}
 * @param shortToolCallIds  tool-call ids must be 9 alphanumerics (Mistral): others are mapped, stably
 * @param reasoningEffort   send a reasoning request as {@code reasoning_effort}; otherwise it is not sent
 *                          (providers whose reasoning models always reason, such as DeepSeek)
 * @param sendsUser         the provider takes OpenAI's {@code user} field
 * @param topK              the provider takes {@code top_k} although OpenAI does not
 * @param dimensionsParam   embeddings' dimension field: {@code dimensions} or {@code output_dimension} (Mistral)
 */
record OpenAiOptions(
        boolean azureDeployment,
        boolean apiKeyHeader,
        String apiVersion,
        String maxTokensParam,
        String seedParam,
        boolean usageAlways,
        boolean shortToolCallIds,
        boolean reasoningEffort,
        boolean sendsUser,
        boolean topK,
        String dimensionsParam) {

    private static final Map<String, Set<String>> VALUES = Map.of(
            "url", Set.of("standard", "azure-deployment"),
            "auth", Set.of("bearer", "api-key"),
            "max_tokens_param", Set.of("max_tokens", "max_completion_tokens"),
            "seed_param", Set.of("seed", "random_seed"),
            "stream_usage", Set.of("include_usage", "always"),
            "tool_call_ids", Set.of("any", "alnum9"),
            "reasoning_param", Set.of("reasoning_effort", "none"),
            "user_param", Set.of("user", "none"),
            "top_k", Set.of("true", "false"),
            "dimensions_param", Set.of("dimensions", "output_dimension"));

    static OpenAiOptions of(ProviderSpec provider) {
        Map<String, String> o = provider.options();
        for (Map.Entry<String, String> option : o.entrySet()) {
            if ("api_version".equals(option.getKey())) {
                continue;
            }
            Set<String> allowed = VALUES.get(option.getKey());
            if (allowed == null) {
                throw new IllegalArgumentException("provider " + provider.name() + ": unknown option " + option.getKey()
                        + " (openai-chat takes " + new java.util.TreeSet<>(VALUES.keySet()) + " and api_version)");
            }
            if (!allowed.contains(option.getValue())) {
                throw new IllegalArgumentException(
                        "provider " + provider.name() + ": option " + option.getKey() + " must be one of " + allowed);
            }
        }
        boolean azure = "azure-deployment".equals(o.get("url"));
        if (azure && (o.get("api_version") == null || o.get("api_version").isBlank())) {
            throw new IllegalArgumentException(
                    "provider " + provider.name() + ": url azure-deployment needs api_version");
        }
        return new OpenAiOptions(
                azure,
                "api-key".equals(o.get("auth")),
                o.get("api_version"),
                o.getOrDefault("max_tokens_param", "max_tokens"),
                o.getOrDefault("seed_param", "seed"),
                "always".equals(o.get("stream_usage")),
                "alnum9".equals(o.get("tool_call_ids")),
                !"none".equals(o.get("reasoning_param")),
                !"none".equals(o.get("user_param")),
                "true".equals(o.get("top_k")),
                o.getOrDefault("dimensions_param", "dimensions"));
    }
}
