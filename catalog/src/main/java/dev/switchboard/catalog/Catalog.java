package dev.switchboard.catalog;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/** An immutable, validated catalog with lookups by model id and provider name. */
public final class Catalog {

    private final Map<String, ProviderSpec> providers;
    private final Map<String, ModelSpec> models;
    /** Ids and aliases alike (the loader rejects an alias that clashes with either). */
    private final Map<String, ModelSpec> byName;

    Catalog(List<ProviderSpec> providers, List<ModelSpec> models) {
        var p = new LinkedHashMap<String, ProviderSpec>();
        providers.forEach(spec -> p.put(spec.name(), spec));
        var m = new LinkedHashMap<String, ModelSpec>();
        models.forEach(spec -> m.put(spec.id(), spec));
        var names = new java.util.HashMap<String, ModelSpec>(m);
        models.forEach(spec -> spec.aliases().forEach(alias -> names.putIfAbsent(alias, spec)));
        this.providers = java.util.Collections.unmodifiableMap(p);
        this.models = java.util.Collections.unmodifiableMap(m);
        this.byName = Map.copyOf(names);
    }

    /** The model named {@code id}: its id or one of its aliases. */
    public Optional<ModelSpec> model(String id) {
        return Optional.ofNullable(byName.get(id));
    }

    public Optional<ProviderSpec> provider(String name) {
        return Optional.ofNullable(providers.get(name));
    }

    public ProviderSpec requireProvider(String name) {
        return provider(name).orElseThrow(() -> new IllegalStateException("catalog has no provider " + name));
    }

    public List<ModelSpec> models() {
        return List.copyOf(models.values());
    }

    public List<ProviderSpec> providers() {
        return List.copyOf(providers.values());
    }

    /** The endpoint of {@code model} (id or alias) served by {@code provider}, if any. */
    public Optional<EndpointSpec> endpoint(String model, String provider) {
        return model(model)
                .flatMap(spec -> spec.endpoints().stream()
                        .filter(e -> e.provider().equals(provider))
                        .findFirst());
    }

    /**
     * A copy where each provider's base URL is replaced when {@code override} answers for its
     * name, e.g. from {@code switchboard.providers.<name>.base-url}.
     */
    public Catalog withBaseUrlOverrides(Function<String, Optional<String>> override) {
        List<ProviderSpec> replaced = providers.values().stream()
                .map(p -> override.apply(p.name())
                        .filter(url -> !url.isBlank())
                        .map(p::withBaseUrl)
                        .orElse(p))
                .toList();
        return new Catalog(replaced, List.copyOf(models.values()));
    }
}
