package dev.switchboard.router.routing;

import dev.switchboard.catalog.Catalog;
import dev.switchboard.catalog.EndpointSpec;
import dev.switchboard.catalog.ModelSpec;
import dev.switchboard.router.health.HealthView;
import dev.switchboard.router.health.ProviderState;
import dev.switchboard.wire.AccountPreferences;
import dev.switchboard.wire.ChatRequest;
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

    /** Plans for a caller whose account {@code preferences} exclude some providers. */
    public Plan plan(ChatRequest request, int promptTokens, AccountPreferences preferences) {
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
                ProviderState state = health.state(endpoint.provider());
                if (preferences.ignoredProviders().contains(endpoint.provider())) {
                    rejected.add(endpoint.id() + ": provider ignored by the account's preferences");
                } else if (state == ProviderState.DOWN) {
                    rejected.add(endpoint.id() + ": provider is down");
                } else if (promptTokens >= endpoint.contextLength()) {
                    rejected.add(endpoint.id() + ": prompt of " + promptTokens + " tokens exceeds context length " + endpoint.contextLength());
                } else {
                    usable.add(endpoint);
                }
            }
            int output = request.maxTokens() == null ? 1000 : request.maxTokens();
            usable.sort(Comparator
                    .comparing((EndpointSpec e) -> health.state(e.provider()) == ProviderState.DEGRADED)
                    .thenComparingLong(e -> e.prices().promptPico() * promptTokens + e.prices().completionPico() * output)
                    .thenComparing(EndpointSpec::provider));
            usable.forEach(e -> candidates.add(new Candidate(catalog.requireProvider(e.provider()), e)));
        }
        return new Plan(List.copyOf(candidates), List.copyOf(rejected));
    }

    /** The ordered candidates and, for an empty plan's error, why each endpoint was left out. */
    public record Plan(List<Candidate> candidates, List<String> rejected) {
    }
}
