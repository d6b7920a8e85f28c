package dev.switchboard.wire;

import java.util.List;

/**
 * A request's say in provider choice (OpenRouter's {@code provider} object and model suffixes).
 *
 * @param order              providers to try first, in this order
 * @param allowFallbacks     false: only {@code order} (or only the first candidate when there is no order)
 * @param requireParameters  only endpoints that honour every parameter the request uses
 * @param denyDataCollection only providers that neither train on nor retain prompts
 * @param zdr                only zero-data-retention endpoints
 * @param only               only these providers
 * @param ignore             never these providers
 * @param quantizations      only endpoints with one of these quantizations
 * @param sort               {@code price}, {@code throughput} or {@code latency}; null for the default policy
 * @param maxPromptPico      most a prompt token may cost, in pico-USD; null for no cap
 * @param maxCompletionPico  most a completion token may cost, in pico-USD; null for no cap
 */
public record RoutingPreferences(
        List<String> order,
        boolean allowFallbacks,
        boolean requireParameters,
        boolean denyDataCollection,
        boolean zdr,
        List<String> only,
        List<String> ignore,
        List<String> quantizations,
        String sort,
        Long maxPromptPico,
        Long maxCompletionPico) {

    public static final RoutingPreferences DEFAULT = new RoutingPreferences(
            List.of(), true, false, false, false, List.of(), List.of(), List.of(), null, null, null);

    public RoutingPreferences {
        order = order == null ? List.of() : List.copyOf(order);
        only = only == null ? List.of() : List.copyOf(only);
        ignore = ignore == null ? List.of() : List.copyOf(ignore);
        quantizations = quantizations == null ? List.of() : List.copyOf(quantizations);
    }

    public RoutingPreferences withSort(String newSort) {
        return new RoutingPreferences(
                order,
                allowFallbacks,
                requireParameters,
                denyDataCollection,
                zdr,
                only,
                ignore,
                quantizations,
                newSort,
                maxPromptPico,
                maxCompletionPico);
    }
}
