package dev.switchboard.router.routing;

import dev.switchboard.catalog.Catalog;
import dev.switchboard.catalog.EndpointSpec;
import dev.switchboard.catalog.LiveCatalog;
import dev.switchboard.catalog.ModelSpec;
import dev.switchboard.catalog.ProviderSpec;
import dev.switchboard.router.health.EndpointStats;
import dev.switchboard.router.health.HealthSnapshot;
import dev.switchboard.router.health.HealthView;
import dev.switchboard.router.health.ProviderState;
import dev.switchboard.wire.AccountPreferences;
import dev.switchboard.wire.ChatRequest;
import dev.switchboard.wire.ResponseFormat;
import dev.switchboard.wire.RoutingPreferences;
import dev.switchboard.wire.Sampling;
import dev.switchboard.wire.Sort;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * Decides which endpoints to try for a request, in order, from memory only (the catalog and the
 * health snapshot). For each requested model in turn ({@code model}, then {@code models[]} and the
 * account's fallbacks):
 * <ol>
 *   <li>filter: account and request {@code ignore} / {@code only}, quantizations, {@code max_price},
 *       data policy ({@code data_collection: deny}: providers that neither train on nor retain
 *       prompts; {@code zdr}: zero-data-retention endpoints), capabilities (tools and structured
 *       output always; every used parameter with {@code require_parameters}), providers marked down,
 *       context length;</li>
 *   <li>order: the request's {@code order} first, as given; degraded providers after the others;
 *       within that, by the strategy: {@code price} (cheapest for this request), {@code latency}
 *       (lowest median time to first token), {@code throughput} (most output tokens per second),
 *       endpoints without a measurement after the measured ones, by price; or by default a
 *       price-weighted draw, as OpenRouter documents: each endpoint's weight is the inverse square of
 *       its price for this request, lowered by recent errors (× uptime⁴) and latency (÷ (1 + p50 / 2 s)),
 *       and the order is a weighted draw without replacement, so the cheap endpoints take most of
 *       the traffic and the others stay warm as fallbacks.</li>
 * </ol>
 * {@code allow_fallbacks: false} keeps the ordered providers only (or the first candidate).
 */
@ApplicationScoped
public class RoutePlanner {

    public static final String WEIGHTED = "weighted";
    /** The sort strategies are the sorts' wire names ({@link Sort}). */
    public static final String PRICE = Sort.PRICE.wireName();
    /** Not a planner strategy: the router put the provider that last served the conversation first ({@link StickyRoutes}). */
    public static final String STICKY = "sticky";

    /** Output assumed for pricing when the request sets no cap. */
    static final int DEFAULT_OUTPUT_TOKENS = 1000;

    private static final double LATENCY_HALF_WEIGHT_MS = 2000;

    private final LiveCatalog catalog;
    private final HealthSnapshot health;
    private final Supplier<RandomGenerator> random;

    @Inject
    public RoutePlanner(LiveCatalog catalog, HealthView health) {
        this(catalog, health, ThreadLocalRandom::current);
    }

    /** A planner over a fixed catalog and any health snapshot, drawing from {@code random} (tests, benchmarks). */
    public RoutePlanner(Catalog catalog, HealthSnapshot health, Supplier<RandomGenerator> random) {
        this(LiveCatalog.fixed(catalog), health, random);
    }

    public RoutePlanner(LiveCatalog catalog, HealthSnapshot health, Supplier<RandomGenerator> random) {
        this.catalog = catalog;
        this.health = health;
        this.random = random;
    }

    public Plan plan(ChatRequest request, int promptTokens) {
        return plan(request, promptTokens, AccountPreferences.NONE);
    }

    /** Plans for a caller: the account's preferences apply unless the request says otherwise. */
    public Plan plan(ChatRequest request, int promptTokens, AccountPreferences preferences) {
        RoutingPreferences routing = request.routing();
        String strategy = strategy(routing.sort() != null ? routing.sort() : preferences.defaultSort());
        Filter filter = new Filter(routing, preferences, usedParameters(request), promptTokens);
        int output = request.maxTokens() == null ? DEFAULT_OUTPUT_TOKENS : request.maxTokens();
        List<Candidate> candidates = new ArrayList<>();
        List<String> rejected = new ArrayList<>(0);
        Catalog catalog = this.catalog.current(); // one catalog for the whole decision, whatever reloads meanwhile
        for (String modelId : request.models()) {
            ModelSpec model = catalog.model(modelId).orElse(null);
            if (model == null) {
                rejected.add(modelId + ": not in the catalog");
                continue;
            }
            order(catalog, model, filter, strategy, promptTokens, output, candidates, rejected);
        }
        List<Candidate> allowed = candidates;
        if (!routing.allowFallbacks() && !candidates.isEmpty()) {
            allowed = routing.order().isEmpty()
                    ? List.of(candidates.getFirst())
                    : candidates.stream()
                            .filter(c -> routing.order().contains(c.provider().name()))
                            .toList();
            if (allowed.size() < candidates.size()) {
                rejected.add(
                        (candidates.size() - allowed.size()) + " more endpoint(s) left out: allow_fallbacks is false");
            }
        }
        return new Plan(allowed, rejected, strategy);
    }

    private static String strategy(String sort) {
        Sort known = Sort.of(sort);
        return known == null ? WEIGHTED : known.wireName();
    }

    /** Appends the model's usable endpoints to {@code out}, in the order to try them. */
    private void order(
            Catalog catalog,
            ModelSpec model,
            Filter filter,
            String strategy,
            int promptTokens,
            int output,
            List<Candidate> out,
            List<String> rejected) {
        List<EndpointSpec> endpoints = model.endpoints();
        int n = endpoints.size();
        ProviderSpec[] providers = new ProviderSpec[n];
        EndpointSpec[] usable = new EndpointSpec[n];
        int[] groups = new int[n];
        double[] keys = new double[n];
        Sort sort = Sort.of(strategy);
        RandomGenerator rng = sort == null ? random.get() : null;
        int count = 0;
        for (EndpointSpec endpoint : endpoints) {
            ProviderSpec provider = catalog.requireProvider(endpoint.provider());
            String why = filter.exclusion(model, provider, endpoint, health);
            if (why != null) {
                rejected.add(endpoint.id() + ": " + why);
                continue;
            }
            double cost = Math.max(
                    1.0,
                    (double) endpoint.prices().promptPico() * promptTokens
                            + (double) endpoint.prices().completionPico() * output);
            EndpointStats stats = health.stats(endpoint);
            // a plain assignment per case: inside a conditional the arms would be unboxed, and an
            // unmeasured endpoint's null with them
            Double metric;
            if (sort == null) {
                metric = drawKey(rng, cost, stats);
            } else {
                metric = switch (sort) {
                    case LATENCY ->
                        stats.latencyMs() == null ? null : stats.latencyMs().doubleValue();
                    case THROUGHPUT -> stats.tokensPerSecond() == null ? null : -stats.tokensPerSecond();
                    case PRICE -> cost;
                };
            }
            int orderRank = filter.routing.order().indexOf(provider.name());
            groups[count] = (orderRank < 0 ? filter.routing.order().size() : orderRank) * 4
                    + (health.state(provider.name()) == ProviderState.DEGRADED ? 2 : 0)
                    + (metric == null ? 1 : 0);
            keys[count] = metric == null ? cost : metric;
            providers[count] = provider;
            usable[count] = endpoint;
            count++;
        }
        sort(groups, keys, providers, usable, count);
        for (int i = 0; i < count; i++) {
            out.add(new Candidate(providers[i], usable[i]));
        }
    }

    /**
     * A draw's key for one endpoint: exponential with rate = its weight, so ordering by key is a
     * weighted draw without replacement (Efraimidis–Spirakis).
     */
    static double drawKey(RandomGenerator rng, double cost, EndpointStats stats) {
        double weight = 1.0 / (cost * cost);
        if (stats.uptime() != null) {
            double u = stats.uptime();
            weight *= u * u * u * u;
        }
        if (stats.latencyMs() != null) {
            weight /= 1.0 + stats.latencyMs() / LATENCY_HALF_WEIGHT_MS;
        }
        if (weight <= 0) {
            return Double.MAX_VALUE;
        }
        return -Math.log(1.0 - rng.nextDouble()) / weight;
    }

    /** Insertion sort by (group, key): a model has a handful of endpoints, and this allocates nothing. */
    private static void sort(
            int[] groups, double[] keys, ProviderSpec[] providers, EndpointSpec[] endpoints, int count) {
        for (int i = 1; i < count; i++) {
            int g = groups[i];
            double k = keys[i];
            ProviderSpec p = providers[i];
            EndpointSpec e = endpoints[i];
            int j = i - 1;
            while (j >= 0
                    && (groups[j] > g
                            || groups[j] == g
                                    && (keys[j] > k
                                            || keys[j] == k
                                                    && endpoints[j].provider().compareTo(e.provider()) > 0))) {
                groups[j + 1] = groups[j];
                keys[j + 1] = keys[j];
                providers[j + 1] = providers[j];
                endpoints[j + 1] = endpoints[j];
                j--;
            }
            groups[j + 1] = g;
            keys[j + 1] = k;
            providers[j + 1] = p;
            endpoints[j + 1] = e;
        }
    }

    /** What the request and the account allow, checked per endpoint. */
    private record Filter(RoutingPreferences routing, AccountPreferences account, List<String> used, int promptTokens) {

        /** Why an endpoint cannot serve this request, or null when it can. */
        String exclusion(ModelSpec model, ProviderSpec provider, EndpointSpec endpoint, HealthSnapshot health) {
            String name = provider.name();
            if (account.ignoredProviders().contains(name)) {
                return "provider ignored by the account's preferences";
            }
            if (routing.ignore().contains(name)) {
                return "provider ignored by the request";
            }
            if (!routing.only().isEmpty() && !routing.only().contains(name)) {
                return "provider not in the request's only list";
            }
            if (!routing.quantizations().isEmpty()
                    && (endpoint.quantization() == null
                            || !routing.quantizations().contains(endpoint.quantization()))) {
                return "quantization " + endpoint.quantization() + " not in " + routing.quantizations();
            }
            if (routing.maxPromptPico() != null && endpoint.prices().promptPico() > routing.maxPromptPico()
                    || routing.maxCompletionPico() != null
                            && endpoint.prices().completionPico() > routing.maxCompletionPico()) {
                return "price above the request's max_price";
            }
            if ((routing.denyDataCollection() || account.denyDataCollection())
                    && provider.dataPolicy().collectsData()) {
                return "provider may train on or retain prompts (data_collection: deny)";
            }
            if ((routing.zdr() || account.zdrOnly()) && !endpoint.zdr()) {
                return "endpoint does not offer zero data retention (zdr)";
            }
            if (used.contains("tools") && !model.supportedParameters().contains("tools")) {
                return "model does not take tools";
            }
            if (used.contains("structured_outputs")
                    && !model.supportedParameters().contains("structured_outputs")) {
                return "model does not take a JSON schema (structured_outputs)";
            }
            if (routing.requireParameters() && !model.supportedParameters().containsAll(used)) {
                return "does not support every requested parameter " + used;
            }
            if (health.state(name) == ProviderState.DOWN) {
                return "provider is down";
            }
            if (promptTokens >= endpoint.contextLength()) {
                return "prompt of " + promptTokens + " tokens exceeds context length " + endpoint.contextLength();
            }
            return null;
        }
    }

    /** The request parameters (OpenRouter's names) the request actually sets. */
    static List<String> usedParameters(ChatRequest request) {
        List<String> used = new ArrayList<>();
        Sampling s = request.sampling();
        addIf(used, s.maxTokens() != null, "max_tokens");
        addIf(used, s.temperature() != null, "temperature");
        addIf(used, s.topP() != null, "top_p");
        addIf(used, s.topK() != null, "top_k");
        addIf(used, s.frequencyPenalty() != null, "frequency_penalty");
        addIf(used, s.presencePenalty() != null, "presence_penalty");
        addIf(used, !s.stop().isEmpty(), "stop");
        addIf(used, s.seed() != null, "seed");
        addIf(used, Boolean.TRUE.equals(s.logprobs()), "logprobs");
        addIf(used, s.topLogprobs() != null, "top_logprobs");
        addIf(used, !request.tools().isEmpty(), "tools");
        addIf(used, request.toolChoice() != null, "tool_choice");
        addIf(used, request.parallelToolCalls() != null, "parallel_tool_calls");
        addIf(used, request.responseFormat() != null, "response_format");
        addIf(
                used,
                request.responseFormat() != null && request.responseFormat().type() == ResponseFormat.Type.JSON_SCHEMA,
                "structured_outputs");
        addIf(used, request.reasoning() != null, "reasoning");
        return used;
    }

    private static void addIf(List<String> used, boolean set, String name) {
        if (set) {
            used.add(name);
        }
    }

    /**
     * The ordered candidates, why each endpoint left out was (for an empty plan's 503), and the
     * strategy that ordered them ({@code weighted}, {@code price}, {@code latency}, {@code throughput}).
     */
    public record Plan(List<Candidate> candidates, List<String> rejected, String strategy) {}
}
