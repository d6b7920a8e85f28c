package dev.switchboard.wire;

import java.util.List;

/**
 * What an account asks of every request it makes, unless a request says otherwise.
 *
 * @param fallbackModels          models to try after the requested ones
 * @param maxCostPerRequestNanos  the most one request may cost, in nano-USD; null for no cap
 * @param ignoredProviders        providers never to use
 * @param denyDataCollection      only providers that do not train on or retain prompts
 * @param zdrOnly                 only zero-data-retention endpoints
 * @param defaultSort             {@code price}, {@code throughput} or {@code latency}; null for the default policy
 */
public record AccountPreferences(
        List<String> fallbackModels,
        Long maxCostPerRequestNanos,
        List<String> ignoredProviders,
        boolean denyDataCollection,
        boolean zdrOnly,
        String defaultSort) {

    public static final AccountPreferences NONE =
            new AccountPreferences(List.of(), null, List.of(), false, false, null);

    public AccountPreferences {
        fallbackModels = fallbackModels == null ? List.of() : List.copyOf(fallbackModels);
        ignoredProviders = ignoredProviders == null ? List.of() : List.copyOf(ignoredProviders);
    }
}
