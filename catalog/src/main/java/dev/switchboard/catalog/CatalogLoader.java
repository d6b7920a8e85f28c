package dev.switchboard.catalog;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads and validates the catalog YAML (see {@code catalog/catalog.yaml} for the format).
 * Validation collects every problem so an operator fixes a bad file in one go.
 */
public final class CatalogLoader {

    /** The catalog shipped with Switchboard. */
    public static final String BUILT_IN = "/catalog/catalog.yaml";

    private static final Pattern MODEL_ID = Pattern.compile("[a-z0-9][a-z0-9._-]*/[a-z0-9][a-z0-9._:-]*");
    /** An alias: a bare name (gpt-4o-mini) or an id-like one (openai/gpt-4o-mini-2024-07-18); no routing suffix. */
    private static final Pattern ALIAS = Pattern.compile("[a-z0-9][a-z0-9._-]*(/[a-z0-9][a-z0-9._-]*)?");

    private static final Pattern PROVIDER_NAME = Pattern.compile("[a-z0-9][a-z0-9-]*");
    private static final List<String> DATA_POLICY_KEYS = List.of("training", "retains_prompts");
    private static final List<String> RATE_LIMIT_KEYS = List.of("requests_per_minute", "tokens_per_minute");

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private CatalogLoader() {}

    public static Catalog builtIn() {
        return parse(new java.io.ByteArrayInputStream(builtInDocument()), "classpath:" + BUILT_IN);
    }

    /** The configuration key overriding a provider's base URL. */
    public static String baseUrlProperty(String provider) {
        return "switchboard.providers." + provider + ".base-url";
    }

    /** The bytes of a catalog file, or a {@link CatalogException} saying why it cannot be read. */
    public static byte[] readFile(Path path) {
        try {
            return Files.readAllBytes(path);
        } catch (IOException e) {
            throw new CatalogException(path.toString(), List.of("cannot read: " + e.getMessage()));
        }
    }

    /** The bytes of the built-in catalog. */
    public static byte[] builtInDocument() {
        try (InputStream in = CatalogLoader.class.getResourceAsStream(BUILT_IN)) {
            if (in == null) {
                throw new IllegalStateException("built-in catalog " + BUILT_IN + " is missing from the classpath");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new CatalogException("classpath:" + BUILT_IN, List.of(e.getMessage()));
        }
    }

    public static Catalog parse(InputStream in, String source) {
        CatalogFile file;
        try {
            file = YAML.readValue(in, CatalogFile.class);
        } catch (IOException e) {
            throw new CatalogException(source, List.of("not a catalog document: " + firstLine(e.getMessage())));
        }
        if (file == null) {
            throw new CatalogException(source, List.of("empty document"));
        }
        return validate(file, source);
    }

    private static Catalog validate(CatalogFile file, String source) {
        List<String> problems = new ArrayList<>();
        List<ProviderSpec> providers = new ArrayList<>();
        Set<String> providerNames = new HashSet<>();
        Map<String, ProviderSpec.DataPolicy> policies = new HashMap<>();
        for (ProviderEntry p : nullToEmpty(file.providers())) {
            String where = "provider " + p.name();
            if (p.name() == null || !PROVIDER_NAME.matcher(p.name()).matches()) {
                problems.add(where + ": name must match " + PROVIDER_NAME.pattern());
                continue;
            }
            if (!providerNames.add(p.name())) {
                problems.add(where + ": defined twice");
            }
            if (p.family() == null || !ProviderSpec.FAMILIES.contains(p.family())) {
                problems.add(where + ": family must be one of " + ProviderSpec.FAMILIES);
            }
            if (p.baseUrl() == null
                    || !(p.baseUrl().startsWith("https://") || p.baseUrl().startsWith("http://"))) {
                problems.add(where + ": base_url must be an http(s) URL");
            }
            ProviderSpec.DataPolicy policy = dataPolicy(p.dataPolicy(), where, problems);
            policies.put(p.name(), policy);
            providers.add(new ProviderSpec(
                    p.name(),
                    p.displayName() == null ? p.name() : p.displayName(),
                    p.family(),
                    p.baseUrl(),
                    p.credential() == null ? p.name() : p.credential(),
                    p.options(),
                    policy,
                    rateLimits(p.rateLimits(), where, problems)));
        }
        if (providers.isEmpty()) {
            problems.add("no providers");
        }

        List<ModelSpec> models = new ArrayList<>();
        Set<String> modelIds = new HashSet<>();
        for (ModelEntry m : nullToEmpty(file.models())) {
            String where = "model " + m.id();
            if (m.id() == null || !MODEL_ID.matcher(m.id()).matches()) {
                problems.add(where + ": id must look like author/slug");
                continue;
            }
            if (!modelIds.add(m.id())) {
                problems.add(where + ": defined twice");
            }
            if (m.contextLength() <= 0) {
                problems.add(where + ": context_length must be positive");
            }
            List<EndpointSpec> endpoints = new ArrayList<>();
            for (EndpointEntry e : nullToEmpty(m.endpoints())) {
                String ewhere = where + " endpoint " + e.provider();
                if (e.provider() == null || !providerNames.contains(e.provider())) {
                    problems.add(ewhere + ": unknown provider");
                    continue;
                }
                if (e.upstreamModel() == null || e.upstreamModel().isBlank()) {
                    problems.add(ewhere + ": upstream_model is required");
                }
                int context = e.contextLength() == null ? m.contextLength() : e.contextLength();
                boolean embedding = ModelSpec.EMBEDDING.equals(m.kind());
                if (embedding && e.maxOutputTokens() != 0) {
                    problems.add(ewhere + ": max_output_tokens must be 0 for an embedding model");
                } else if (!embedding && (e.maxOutputTokens() <= 0 || e.maxOutputTokens() > context)) {
                    problems.add(ewhere + ": max_output_tokens must be in 1.." + context);
                }
                boolean zdr = Boolean.TRUE.equals(e.zdr());
                if (zdr && policies.get(e.provider()).retainsPrompts()) {
                    problems.add(ewhere + ": zdr: true, but provider " + e.provider()
                            + " retains prompts (data_policy.retains_prompts)");
                }
                try {
                    endpoints.add(new EndpointSpec(
                            m.id(),
                            e.provider(),
                            e.upstreamModel(),
                            context,
                            e.maxOutputTokens(),
                            prices(e.prices()),
                            e.quantization(),
                            zdr));
                } catch (IllegalArgumentException | NullPointerException ex) {
                    problems.add(ewhere + ": prices: " + ex.getMessage());
                }
            }
            if (endpoints.isEmpty()) {
                problems.add(where + ": no endpoints");
            }
            String kind = m.kind() == null ? ModelSpec.CHAT : m.kind();
            if (!ModelSpec.CHAT.equals(kind) && !ModelSpec.EMBEDDING.equals(kind)) {
                problems.add(where + ": kind must be chat or embedding");
            }
            LocalDate created = null;
            if (m.created() != null) {
                try {
                    created = LocalDate.parse(m.created());
                } catch (java.time.format.DateTimeParseException e) {
                    problems.add(where + ": created must be a date (YYYY-MM-DD)");
                }
            }
            List<String> parameters = m.supportedParameters() != null
                    ? m.supportedParameters()
                    : ModelSpec.EMBEDDING.equals(kind)
                            ? List.of("dimensions", "encoding_format")
                            : ModelSpec.DEFAULT_CHAT_PARAMETERS;
            List<String> aliases = nullToEmpty(m.aliases());
            for (String alias : aliases) {
                if (alias == null || !ALIAS.matcher(alias).matches()) {
                    problems.add(where + ": alias " + alias + " must match " + ALIAS.pattern());
                }
            }
            models.add(new ModelSpec(
                    m.id(),
                    m.name() == null ? m.id() : m.name(),
                    kind,
                    m.description() == null ? "" : m.description(),
                    created == null ? LocalDate.of(2024, 1, 1) : created,
                    m.contextLength(),
                    m.inputModalities() == null ? List.of("text") : m.inputModalities(),
                    m.outputModalities() == null
                            ? List.of(ModelSpec.EMBEDDING.equals(kind) ? "embeddings" : "text")
                            : m.outputModalities(),
                    parameters,
                    m.tokenizer() == null ? "Other" : m.tokenizer(),
                    endpoints,
                    aliases));
        }
        Map<String, String> names = new HashMap<>();
        models.forEach(m -> names.put(m.id(), m.id()));
        for (ModelSpec m : models) {
            for (String alias : m.aliases()) {
                String owner = names.putIfAbsent(alias, m.id());
                if (owner != null) {
                    problems.add("model " + m.id() + ": alias " + alias + " is already "
                            + (owner.equals(alias) ? "a model id" : "a name of " + owner));
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new CatalogException(source, problems);
        }
        return new Catalog(providers, models);
    }

    private static Prices prices(Map<String, String> p) {
        if (p == null || !p.containsKey("prompt") || !p.containsKey("completion")) {
            throw new IllegalArgumentException("prompt and completion prices are required");
        }
        Set<String> known = Set.of("prompt", "completion", "cached_prompt", "reasoning", "request", "image");
        for (String key : p.keySet()) {
            if (!known.contains(key)) {
                throw new IllegalArgumentException("unknown price " + key + " (known: " + known + ")");
            }
        }
        long prompt = Pricing.picoPerTokenFromUsdPerMillion(p.get("prompt"));
        long completion = Pricing.picoPerTokenFromUsdPerMillion(p.get("completion"));
        long cached =
                p.containsKey("cached_prompt") ? Pricing.picoPerTokenFromUsdPerMillion(p.get("cached_prompt")) : prompt;
        long reasoning =
                p.containsKey("reasoning") ? Pricing.picoPerTokenFromUsdPerMillion(p.get("reasoning")) : completion;
        long request = p.containsKey("request") ? dev.switchboard.wire.Money.nanosFromUsd(p.get("request")) : 0L;
        long image = p.containsKey("image") ? dev.switchboard.wire.Money.nanosFromUsd(p.get("image")) : 0L;
        return new Prices(prompt, completion, cached, reasoning, request, image);
    }

    /** A provider's {@code data_policy}: each key defaults to {@link ProviderSpec.DataPolicy#DEFAULT}'s value. */
    private static ProviderSpec.DataPolicy dataPolicy(Map<String, Object> entry, String where, List<String> problems) {
        ProviderSpec.DataPolicy fallback = ProviderSpec.DataPolicy.DEFAULT;
        if (entry == null) {
            return fallback;
        }
        unknownKeys(entry, DATA_POLICY_KEYS, where + ": data_policy", problems);
        return new ProviderSpec.DataPolicy(
                flag(entry, "training", fallback.training(), where, problems),
                flag(entry, "retains_prompts", fallback.retainsPrompts(), where, problems));
    }

    /** A provider's {@code rate_limits}: {@code requests_per_minute}, {@code tokens_per_minute}, each optional and positive. */
    private static ProviderSpec.RateLimits rateLimits(Map<String, Object> entry, String where, List<String> problems) {
        if (entry == null) {
            return ProviderSpec.RateLimits.UNPUBLISHED;
        }
        unknownKeys(entry, RATE_LIMIT_KEYS, where + ": rate_limits", problems);
        return new ProviderSpec.RateLimits(
                limit(entry, "requests_per_minute", where, problems),
                limit(entry, "tokens_per_minute", where, problems));
    }

    /** A problem for each key of {@code entry} that is not in {@code known}, e.g. "provider p: data_policy: unknown key x (known: ...)". */
    private static void unknownKeys(
            Map<String, Object> entry, List<String> known, String where, List<String> problems) {
        for (String key : entry.keySet()) {
            if (!known.contains(key)) {
                problems.add(where + ": unknown key " + key + " (known: " + String.join(", ", known) + ")");
            }
        }
    }

    private static long limit(Map<String, Object> entry, String key, String where, List<String> problems) {
        Object value = entry.get(key);
        if (value == null) {
            return 0;
        }
        if (value instanceof Number n && (n instanceof Integer || n instanceof Long) && n.longValue() > 0) {
            return n.longValue();
        }
        problems.add(where + ": rate_limits." + key + " must be a positive whole number, not " + value);
        return 0;
    }

    private static boolean flag(
            Map<String, Object> entry, String key, boolean fallback, String where, List<String> problems) {
        Object value = entry.get(key);
        if (value == null) {
            return fallback;
        }
        if (value instanceof Boolean b) {
            return b;
        }
        problems.add(where + ": data_policy." + key + " must be true or false, not " + value);
        return fallback;
    }

    private static <T> List<T> nullToEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }

    @JsonIgnoreProperties(ignoreUnknown = false)
    record CatalogFile(List<ProviderEntry> providers, List<ModelEntry> models) {}

    record ProviderEntry(
            String name,
            String displayName,
            String family,
            String baseUrl,
            String credential,
            Map<String, String> options,
            Map<String, Object> dataPolicy,
            Map<String, Object> rateLimits) {}

    record ModelEntry(
            String id,
            String name,
            String kind,
            String description,
            String created,
            int contextLength,
            List<String> inputModalities,
            List<String> outputModalities,
            List<String> supportedParameters,
            String tokenizer,
            List<EndpointEntry> endpoints,
            List<String> aliases) {}

    record EndpointEntry(
            String provider,
            String upstreamModel,
            Integer contextLength,
            int maxOutputTokens,
            Map<String, String> prices,
            String quantization,
            Boolean zdr) {}
}
