package dev.switchboard.router.routing;

import dev.switchboard.catalog.Catalog;
import dev.switchboard.catalog.EndpointSpec;
import dev.switchboard.catalog.ModelSpec;
import dev.switchboard.router.health.HealthView;
import dev.switchboard.router.health.ProviderState;
import dev.switchboard.wire.AccountPreferences;
import dev.switchboard.wire.ChatRequest;
import dev.switchboard.wire.ResponseFormat;
import dev.switchboard.wire.Sampling;
import dev.switchboard.wire.RoutingPreferences;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Decides which endpoints to try for a request, in order, from memory only. For each requested
 * model in turn: its endpoints minus providers marked down, cheapest first (by the price of the
 * prompt plus the answer the request may produce), degraded providers after healthy ones.
 * The full policy (weights, preferences, breakers) comes with the routing issue.
 */
@ApplicationScoped
public class RoutePlanner {

    private final Catalog catalog;
    private final HealthView health;

    public RoutePlanner(Catalog catalog, HealthView health) {
        this.catalog = catalog;
        this.health = health;
    }

    public Plan plan(ChatRequest request, int promptTokens) {
        return plan(request, promptTokens, AccountPreferences.NONE);
    }

    /**
     * Plans for a caller: the account's provider exclusions and the request's own routing
     * preferences ({@code only}, {@code ignore}, {@code quantizations}, {@code max_price},
     * {@code require_parameters}, {@code order}, {@code allow_fallbacks}) narrow and order the
     * candidates. Data policy and the throughput / latency sorts come with the routing issue.
     */
    public Plan plan(ChatRequest request, int promptTokens, AccountPreferences preferences) {
        RoutingPreferences routing = request.routing();
        List<String> used = usedParameters(request);
        List<Candidate> candidates = new ArrayList<>();
        List<String> rejected = new ArrayList<>();
        for (String modelId : request.models()) {
            ModelSpec model = catalog.model(modelId).orElse(null);
            if (model == null) {
                rejected.add(modelId + ": not in the catalog");
                continue;
            }
            List<EndpointSpec> usable = new ArrayList<>();
            for (EndpointSpec endpoint : model.endpoints()) {
                String why = exclusion(endpoint, model, preferences, routing, used, promptTokens);
                if (why == null) {
                    usable.add(endpoint);
                } else {
                    rejected.add(endpoint.id() + ": " + why);
                }
            }
            int output = request.maxTokens() == null ? 1000 : request.maxTokens();
            usable.sort(Comparator
                    .comparingInt((EndpointSpec e) -> orderRank(routing, e.provider()))
                    .thenComparing(e -> health.state(e.provider()) == ProviderState.DEGRADED)
                    .thenComparingLong(e -> e.prices().promptPico() * promptTokens + e.prices().completionPico() * output)
                    .thenComparing(EndpointSpec::provider));
            usable.forEach(e -> candidates.add(new Candidate(catalog.requireProvider(e.provider()), e)));
        }
        List<Candidate> allowed = candidates;
        if (!routing.allowFallbacks() && !candidates.isEmpty()) {
            allowed = routing.order().isEmpty() ? List.of(candidates.getFirst())
                    : candidates.stream().filter(c -> routing.order().contains(c.provider().name())).toList();
            if (allowed.size() < candidates.size()) {
                rejected.add((candidates.size() - allowed.size()) + " more endpoint(s) left out: allow_fallbacks is false");
            }
        }
        return new Plan(List.copyOf(allowed), List.copyOf(rejected));
    }

    /** Why an endpoint cannot serve this request, or null when it can. */
    private String exclusion(EndpointSpec endpoint, ModelSpec model, AccountPreferences preferences, RoutingPreferences routing,
                             List<String> used, int promptTokens) {
        String provider = endpoint.provider();
        if (preferences.ignoredProviders().contains(provider)) {
            return "provider ignored by the account's preferences";
        }
        if (routing.ignore().contains(provider)) {
            return "provider ignored by the request";
        }
        if (!routing.only().isEmpty() && !routing.only().contains(provider)) {
            return "provider not in the request's only list";
        }
        if (!routing.quantizations().isEmpty() && (endpoint.quantization() == null || !routing.quantizations().contains(endpoint.quantization()))) {
            return "quantization " + endpoint.quantization() + " not in " + routing.quantizations();
        }
        if (routing.maxPromptPico() != null && endpoint.prices().promptPico() > routing.maxPromptPico()
                || routing.maxCompletionPico() != null && endpoint.prices().completionPico() > routing.maxCompletionPico()) {
            return "price above the request's max_price";
        }
        if (routing.requireParameters() && !model.supportedParameters().containsAll(used)) {
            return "does not support every requested parameter " + used;
        }
        if (health.state(provider) == ProviderState.DOWN) {
            return "provider is down";
        }
        if (promptTokens >= endpoint.contextLength()) {
            return "prompt of " + promptTokens + " tokens exceeds context length " + endpoint.contextLength();
        }
        return null;
    }

    private static int orderRank(RoutingPreferences routing, String provider) {
        int index = routing.order().indexOf(provider);
        return index < 0 ? Integer.MAX_VALUE : index;
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
        addIf(used, request.responseFormat() != null && request.responseFormat().type() == ResponseFormat.Type.JSON_SCHEMA, "structured_outputs");
        addIf(used, request.reasoning() != null, "reasoning");
        return used;
    }

    private static void addIf(List<String> used, boolean set, String name) {
        if (set) {
            used.add(name);
        }
    }

    /** The ordered candidates and, for an empty plan's error, why each endpoint was left out. */
    public record Plan(List<Candidate> candidates, List<String> rejected) {
    }
}
