package dev.switchboard.catalog;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CatalogLoaderTest {

    private static Catalog parse(String yaml) {
        return CatalogLoader.parse(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)), "test");
    }

    @Test
    void builtInCatalogLoadsAndEveryEndpointHasAKnownProvider() {
        Catalog catalog = CatalogLoader.builtIn();
        assertThat(catalog.models()).isNotEmpty();
        catalog.models()
                .forEach(m -> m.endpoints()
                        .forEach(e -> assertThat(catalog.provider(e.provider())).isPresent()));
        assertThat(catalog.endpoint("openai/gpt-4o-mini", "openai"))
                .get()
                .extracting(e -> e.prices().promptPico())
                .isEqualTo(150_000L);
    }

    @Test
    void unquotedPricesAreReadExactly() {
        Catalog catalog = parse("""
                providers: [{name: p, family: openai-chat, base_url: "http://x"}]
                models:
                  - id: a/b
                    context_length: 1000
                    endpoints: [{provider: p, upstream_model: b, max_output_tokens: 10, prices: {prompt: 0.075, completion: 1}}]
                """);
        assertThat(catalog.endpoint("a/b", "p").orElseThrow().prices().promptPico())
                .isEqualTo(75_000L);
        assertThat(catalog.endpoint("a/b", "p").orElseThrow().prices().completionPico())
                .isEqualTo(1_000_000L);
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        assertThatThrownBy(() -> parse("""
                providers:
                  - {name: p, family: smoke-signals, base_url: "ftp://x"}
                models:
                  - id: NotAnId
                    context_length: 1
                    endpoints: []
                  - id: a/b
                    context_length: 100
                    endpoints: [{provider: nobody, upstream_model: b, max_output_tokens: 10, prices: {prompt: "1", completion: "1"}}]
                  - id: a/c
                    context_length: 100
                    endpoints: [{provider: p, upstream_model: c, max_output_tokens: 1000, prices: {prompt: "1"}}]
                """))
                .isInstanceOfSatisfying(
                        CatalogException.class,
                        e -> assertThat(e.problems())
                                .anyMatch(s -> s.contains("family"))
                                .anyMatch(s -> s.contains("base_url"))
                                .anyMatch(s -> s.contains("NotAnId"))
                                .anyMatch(s -> s.contains("unknown provider"))
                                .anyMatch(s -> s.contains("max_output_tokens"))
                                .anyMatch(s -> s.contains("prompt and completion")));
    }

    @Test
    void unknownFieldsAndGarbageAreRejected() {
        assertThatThrownBy(
                        () -> parse("providers: [{name: p, family: openai-chat, base_url: \"http://x\", colour: red}]"))
                .isInstanceOf(CatalogException.class)
                .hasMessageContaining("not a catalog document");
        assertThatThrownBy(() -> parse(": : :")).isInstanceOf(CatalogException.class);
        assertThatThrownBy(() -> parse("")).isInstanceOf(CatalogException.class);
    }

    @Test
    void baseUrlsCanBeOverriddenWithoutEditingTheFile() {
        Catalog catalog = CatalogLoader.builtIn()
                .withBaseUrlOverrides(name -> Optional.ofNullable(
                        Map.of("openai", "http://127.0.0.1:9/openai/v1").get(name)));
        assertThat(catalog.requireProvider("openai").baseUrl()).isEqualTo("http://127.0.0.1:9/openai/v1");
        assertThat(catalog.requireProvider("groq").baseUrl()).startsWith("https://api.groq.com");
    }

    // ---- data policies ---------------------------------------------------------------------------

    private static final String ONE_MODEL = """
            models:
              - id: a/b
                context_length: 1000
                endpoints: [{provider: p, upstream_model: b, max_output_tokens: 10, prices: {prompt: "1", completion: "1"}%s}]
            """;

    @Test
    void withoutADataPolicyAProviderIsAssumedToRetainPromptsAndEndpointsAreNotZdr() {
        Catalog catalog = parse(
                "providers: [{name: p, family: openai-chat, base_url: \"http://x\"}]\n" + ONE_MODEL.formatted(""));
        ProviderSpec.DataPolicy policy = catalog.requireProvider("p").dataPolicy();
        assertThat(policy)
                .isEqualTo(ProviderSpec.DataPolicy.DEFAULT)
                .isEqualTo(new ProviderSpec.DataPolicy(false, true));
        assertThat(policy.collectsData()).isTrue();
        assertThat(catalog.endpoint("a/b", "p").orElseThrow().zdr()).isFalse();
    }

    @Test
    void dataPolicyAndZdrAreRead() {
        Catalog catalog = parse("""
                providers:
                  - {name: p, family: openai-chat, base_url: "http://x", data_policy: {training: false, retains_prompts: false}}
                  - {name: q, family: openai-chat, base_url: "http://y", data_policy: {training: true}}
                  - {name: r, family: openai-chat, base_url: "http://z", data_policy: {}}
                """ + ONE_MODEL.formatted(", zdr: true"));
        assertThat(catalog.requireProvider("p").dataPolicy()).isEqualTo(new ProviderSpec.DataPolicy(false, false));
        assertThat(catalog.requireProvider("p").dataPolicy().collectsData()).isFalse();
        // an absent key keeps its default
        assertThat(catalog.requireProvider("q").dataPolicy()).isEqualTo(new ProviderSpec.DataPolicy(true, true));
        assertThat(catalog.requireProvider("r").dataPolicy()).isEqualTo(ProviderSpec.DataPolicy.DEFAULT);
        assertThat(new ProviderSpec.DataPolicy(true, false).collectsData())
                .as("training alone collects data")
                .isTrue();
        assertThat(catalog.endpoint("a/b", "p").orElseThrow().zdr()).isTrue();
        // a base URL override keeps the policy
        assertThat(catalog.withBaseUrlOverrides(name -> Optional.of("http://elsewhere"))
                        .requireProvider("p")
                        .dataPolicy())
                .isEqualTo(new ProviderSpec.DataPolicy(false, false));
    }

    @Test
    void unknownDataPolicyKeysAndNonBooleanValuesAreRejectedWithTheirName() {
        assertThatThrownBy(() -> parse("""
                providers:
                  - {name: p, family: openai-chat, base_url: "http://x", data_policy: {training: false, retention_days: 30}}
                  - {name: q, family: openai-chat, base_url: "http://y", data_policy: {retains_prompts: sometimes}}
                """ + ONE_MODEL.formatted("")))
                .isInstanceOfSatisfying(
                        CatalogException.class,
                        e -> assertThat(e.problems())
                                .anyMatch(s -> s.contains("provider p")
                                        && s.contains("data_policy")
                                        && s.contains("unknown key retention_days")
                                        && s.contains("training, retains_prompts"))
                                .anyMatch(s -> s.contains("provider q")
                                        && s.contains("data_policy.retains_prompts must be true or false")));
        assertThatThrownBy(() ->
                        parse("providers: [{name: p, family: openai-chat, base_url: \"http://x\", data_policy: true}]"))
                .isInstanceOf(CatalogException.class);
        assertThatThrownBy(() -> parse("providers: [{name: p, family: openai-chat, base_url: \"http://x\"}]\n"
                        + ONE_MODEL.formatted(", zdr: maybe")))
                .isInstanceOf(CatalogException.class);
    }

    @Test
    void zdrIsRejectedOnAProviderThatRetainsPrompts() {
        assertThatThrownBy(() -> parse("providers: [{name: p, family: openai-chat, base_url: \"http://x\"}]\n"
                        + ONE_MODEL.formatted(", zdr: true")))
                .isInstanceOfSatisfying(
                        CatalogException.class,
                        e -> assertThat(e.problems())
                                .anyMatch(s -> s.contains("model a/b endpoint p")
                                        && s.contains("zdr")
                                        && s.contains("retains prompts")));
    }

    // ---- the built-in catalog --------------------------------------------------------------------

    /** OpenRouter's Parameter, ModelGroup and InputModality enums: what /models may list for a chat model. */
    private static final Set<String> OPENROUTER_PARAMETERS = Set.of(
            "temperature",
            "top_p",
            "top_k",
            "min_p",
            "top_a",
            "frequency_penalty",
            "presence_penalty",
            "repetition_penalty",
            "max_tokens",
            "max_completion_tokens",
            "logit_bias",
            "logprobs",
            "top_logprobs",
            "prediction",
            "seed",
            "response_format",
            "structured_outputs",
            "stop",
            "tools",
            "tool_choice",
            "parallel_tool_calls",
            "include_reasoning",
            "reasoning",
            "reasoning_effort",
            "web_search_options",
            "verbosity");

    private static final Set<String> OPENROUTER_TOKENIZERS = Set.of(
            "Router",
            "Media",
            "Other",
            "GPT",
            "Claude",
            "Gemini",
            "Gemma",
            "Grok",
            "Cohere",
            "Nova",
            "Qwen",
            "Yi",
            "DeepSeek",
            "Mistral",
            "Llama2",
            "Llama3",
            "Llama4",
            "PaLM",
            "RWKV",
            "Qwen3");
    private static final Set<String> OPENROUTER_INPUT_MODALITIES = Set.of("text", "image", "file", "audio", "video");

    @Test
    void builtInCatalogIsRealisticAtLeast40ModelsAnd100EndpointsOverAll15Providers() {
        Catalog catalog = CatalogLoader.builtIn();
        List<EndpointSpec> endpoints =
                catalog.models().stream().flatMap(m -> m.endpoints().stream()).toList();
        assertThat(catalog.models()).hasSizeGreaterThanOrEqualTo(40);
        assertThat(endpoints).hasSizeGreaterThanOrEqualTo(100);
        assertThat(catalog.providers()).hasSize(15);
        Map<String, Long> perProvider =
                endpoints.stream().collect(Collectors.groupingBy(EndpointSpec::provider, Collectors.counting()));
        assertThat(perProvider.keySet())
                .containsExactlyInAnyOrderElementsOf(
                        catalog.providers().stream().map(ProviderSpec::name).toList());
        // every provider serves several models
        assertThat(perProvider)
                .allSatisfy((provider, count) -> assertThat(count).as(provider).isGreaterThanOrEqualTo(2));
        assertThat(catalog.models()).filteredOn(ModelSpec::isEmbedding).hasSizeGreaterThanOrEqualTo(3);
        assertThat(catalog.models())
                .filteredOn(m -> m.supportedParameters().contains("reasoning"))
                .hasSizeGreaterThanOrEqualTo(10);
    }

    /** The names OpenRouter's ProviderName enum has for the catalog's providers (generations and endpoints show them). */
    private static final Set<String> OPENROUTER_PROVIDER_NAMES = Set.of(
            "OpenAI",
            "Azure",
            "Groq",
            "Together",
            "Fireworks",
            "DeepInfra",
            "DeepSeek",
            "xAI",
            "Cerebras",
            "Perplexity",
            "Mistral",
            "Anthropic",
            "Google AI Studio",
            "Google",
            "Cohere",
            "Amazon Bedrock");

    @Test
    void builtInProvidersAreNamedAsOpenRouterNamesThem() {
        assertThat(CatalogLoader.builtIn().providers())
                .allSatisfy(p -> assertThat(p.displayName()).as(p.name()).isIn(OPENROUTER_PROVIDER_NAMES));
    }

    @Test
    void builtInChatModelsListOnlyWhatOpenRoutersModelSchemaAllows() {
        for (ModelSpec m : CatalogLoader.builtIn().models()) {
            if (m.isEmbedding()) {
                continue;
            }
            assertThat(m.supportedParameters())
                    .as(m.id())
                    .isSubsetOf(OPENROUTER_PARAMETERS)
                    .doesNotHaveDuplicates();
            assertThat(m.tokenizer()).as(m.id()).isIn(OPENROUTER_TOKENIZERS);
            assertThat(m.inputModalities()).as(m.id()).isSubsetOf(OPENROUTER_INPUT_MODALITIES);
            assertThat(m.description()).as(m.id()).isNotBlank();
            m.endpoints()
                    .forEach(e -> assertThat(e.maxOutputTokens()).as(e.id()).isPositive());
        }
    }

    @Test
    void builtInDataPoliciesAndZdr() {
        Catalog catalog = CatalogLoader.builtIn();
        assertThat(catalog.requireProvider("openai").dataPolicy()).isEqualTo(new ProviderSpec.DataPolicy(false, true));
        assertThat(catalog.requireProvider("anthropic").dataPolicy().collectsData())
                .isTrue();
        assertThat(catalog.requireProvider("deepseek").dataPolicy().collectsData())
                .isTrue();
        for (String noRetention : List.of("bedrock", "deepinfra", "groq", "cerebras")) {
            assertThat(catalog.requireProvider(noRetention).dataPolicy())
                    .as(noRetention)
                    .isEqualTo(new ProviderSpec.DataPolicy(false, false));
        }
        List<EndpointSpec> endpoints =
                catalog.models().stream().flatMap(m -> m.endpoints().stream()).toList();
        for (EndpointSpec e : endpoints) {
            ProviderSpec.DataPolicy policy =
                    catalog.requireProvider(e.provider()).dataPolicy();
            // zdr exactly where the provider keeps nothing by default
            assertThat(e.zdr()).as(e.id()).isEqualTo(!policy.retainsPrompts());
        }
        assertThat(endpoints)
                .filteredOn(EndpointSpec::zdr)
                .extracting(EndpointSpec::provider)
                .contains("bedrock", "deepinfra", "groq", "cerebras");
        assertThat(endpoints)
                .filteredOn(
                        e -> !catalog.requireProvider(e.provider()).dataPolicy().collectsData())
                .isNotEmpty();
    }

    @Test
    void theEntriesOtherModulesTestsRelyOnStayAsTheyWere() {
        Catalog catalog = CatalogLoader.builtIn();
        assertThat(catalog.model("openai/gpt-4o-mini").orElseThrow().endpoints())
                .extracting(EndpointSpec::provider)
                .containsExactly("openai", "azure");
        ModelSpec llama = catalog.model("meta-llama/llama-3.1-8b-instruct").orElseThrow();
        assertThat(llama.endpoints())
                .extracting(EndpointSpec::provider)
                .containsExactly("deepinfra", "groq", "cerebras", "together", "fireworks");
        EndpointSpec cheapest = llama.endpoints().stream()
                .min(java.util.Comparator.comparingLong(
                        e -> e.prices().promptPico() + e.prices().completionPico()))
                .orElseThrow();
        assertThat(cheapest.provider()).isEqualTo("deepinfra");
        // the first chat model of each provider (what the cross-provider tests pick) is unchanged
        Map<String, String> firstChatModel = new java.util.LinkedHashMap<>();
        catalog.models().stream()
                .filter(m -> !m.isEmbedding())
                .forEach(m -> m.endpoints().forEach(e -> firstChatModel.putIfAbsent(e.provider(), m.id())));
        assertThat(firstChatModel)
                .containsEntry("openai", "openai/gpt-4o-mini")
                .containsEntry("azure", "openai/gpt-4o-mini")
                .containsEntry("deepinfra", "meta-llama/llama-3.1-8b-instruct")
                .containsEntry("groq", "meta-llama/llama-3.1-8b-instruct")
                .containsEntry("cerebras", "meta-llama/llama-3.1-8b-instruct")
                .containsEntry("together", "meta-llama/llama-3.1-8b-instruct")
                .containsEntry("fireworks", "meta-llama/llama-3.1-8b-instruct")
                .containsEntry("deepseek", "deepseek/deepseek-chat")
                .containsEntry("xai", "x-ai/grok-3-mini")
                .containsEntry("perplexity", "perplexity/sonar")
                .containsEntry("mistral", "mistralai/mistral-small")
                .containsEntry("anthropic", "anthropic/claude-3.5-haiku")
                .containsEntry("bedrock", "anthropic/claude-3.5-haiku")
                .containsEntry("google", "google/gemini-2.5-flash")
                .containsEntry("cohere", "cohere/command-a");
    }

    @Test
    void rateLimitsAndImageFeesAreReadAndCheckedToo() {
        Catalog catalog = parse("""
                providers: [{name: p, family: openai-chat, base_url: "http://x", rate_limits: {requests_per_minute: 500, tokens_per_minute: 200000}},
                            {name: q, family: openai-chat, base_url: "http://y"}]
                models:
                  - id: a/b
                    context_length: 1000
                    endpoints: [{provider: p, upstream_model: b, max_output_tokens: 10, prices: {prompt: "1", completion: "1", image: "0.001445"}}]
                """);
        assertThat(catalog.requireProvider("p").rateLimits()).isEqualTo(new ProviderSpec.RateLimits(500, 200_000));
        assertThat(catalog.requireProvider("q").rateLimits()).isEqualTo(ProviderSpec.RateLimits.UNPUBLISHED);
        assertThat(catalog.endpoint("a/b", "p").orElseThrow().prices().imageNanos())
                .isEqualTo(1_445_000L);

        assertThatThrownBy(() -> parse("""
                providers: [{name: p, family: openai-chat, base_url: "http://x", rate_limits: {requests_per_minute: -1, tokens_per_hour: 5}}]
                models:
                  - id: a/b
                    context_length: 1000
                    endpoints: [{provider: p, upstream_model: b, max_output_tokens: 10, prices: {prompt: "1", completion: "1", image: "-1"}}]
                """))
                .isInstanceOfSatisfying(
                        CatalogException.class,
                        e -> assertThat(e.problems())
                                .anyMatch(m -> m.contains("rate_limits: unknown key tokens_per_hour"))
                                .anyMatch(m ->
                                        m.contains("rate_limits.requests_per_minute must be a positive whole number"))
                                .anyMatch(m -> m.contains("endpoint p: prices")));
    }

    @Test
    void aliasesNameTheSameModelAndMayNotClash() {
        Catalog catalog = CatalogLoader.builtIn();
        assertThat(catalog.model("gpt-4o-mini")).get().extracting(ModelSpec::id).isEqualTo("openai/gpt-4o-mini");
        assertThat(catalog.model("openai/gpt-4o-mini-2024-07-18"))
                .get()
                .extracting(ModelSpec::id)
                .isEqualTo("openai/gpt-4o-mini");
        assertThat(catalog.endpoint("gpt-4o-mini", "azure")).isPresent();
        assertThat(catalog.models()).extracting(ModelSpec::id).doesNotContain("gpt-4o-mini");

        assertThatThrownBy(() -> parse("""
                providers: [{name: p, family: openai-chat, base_url: "http://x"}]
                models:
                  - id: a/b
                    aliases: [b, a/c, "B!"]
                    context_length: 1000
                    endpoints: [{provider: p, upstream_model: b, max_output_tokens: 10, prices: {prompt: "1", completion: "1"}}]
                  - id: a/c
                    aliases: [b]
                    context_length: 1000
                    endpoints: [{provider: p, upstream_model: c, max_output_tokens: 10, prices: {prompt: "1", completion: "1"}}]
                """))
                .isInstanceOfSatisfying(
                        CatalogException.class,
                        e -> assertThat(e.problems())
                                .contains(
                                        "model a/b: alias a/c is already a model id",
                                        "model a/c: alias b is already a name of a/b")
                                .anyMatch(m -> m.startsWith("model a/b: alias B! must match")));
    }
}
