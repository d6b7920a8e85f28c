package dev.switchboard.router.provider;

import dev.switchboard.catalog.Catalog;
import dev.switchboard.catalog.ProviderSpec;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every {@link ProviderAdapter} bean, by family. Checks at start-up that every catalog provider has
 * an adapter and that its options are ones the adapter understands, so a catalog mistake stops the
 * router instead of failing requests.
 */
@ApplicationScoped
public class Adapters {

    private final Map<String, ProviderAdapter> byFamily = new HashMap<>();

    public Adapters(Instance<ProviderAdapter> adapters, Catalog catalog) {
        for (ProviderAdapter adapter : adapters) {
            if (byFamily.put(adapter.family(), adapter) != null) {
                throw new IllegalStateException("two adapters for family " + adapter.family());
            }
        }
        List<String> problems = new ArrayList<>();
        for (ProviderSpec provider : catalog.providers()) {
            ProviderAdapter adapter = byFamily.get(provider.family());
            if (adapter == null) {
                problems.add("provider " + provider.name() + ": no adapter for family " + provider.family());
                continue;
            }
            try {
                adapter.validate(provider);
            } catch (IllegalArgumentException e) {
                problems.add(e.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException("catalog providers the router cannot call: " + String.join("; ", problems));
        }
    }

    public Optional<ProviderAdapter> forFamily(String family) {
        return Optional.ofNullable(byFamily.get(family));
    }
}
