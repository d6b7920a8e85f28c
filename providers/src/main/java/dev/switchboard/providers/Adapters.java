package dev.switchboard.providers;

import dev.switchboard.catalog.Catalog;
import dev.switchboard.catalog.LiveCatalog;
import dev.switchboard.catalog.ProviderSpec;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every {@link ProviderAdapter} bean, by family. Checks that every catalog provider has an adapter
 * and that its options are ones the adapter understands, at start-up (a catalog mistake stops the
 * router instead of failing requests) and for every reloaded catalog (one the router cannot serve
 * is rejected and the one in force stays).
 */
@ApplicationScoped
public class Adapters {

    private final Map<String, ProviderAdapter> byFamily = new HashMap<>();

    public Adapters(Instance<ProviderAdapter> adapters, LiveCatalog catalog) {
        for (ProviderAdapter adapter : adapters) {
            if (byFamily.put(adapter.family(), adapter) != null) {
                throw new IllegalStateException("two adapters for family " + adapter.family());
            }
        }
        catalog.addCheck(this::problems);
    }

    /** What stops the router from calling every provider of {@code catalog}; empty if nothing. */
    List<String> problems(Catalog catalog) {
        List<String> problems = new ArrayList<>();
        for (ProviderSpec provider : catalog.providers()) {
            ProviderAdapter adapter = byFamily.get(provider.family());
            if (adapter == null) {
                problems.add(
                        "provider " + provider.name() + ": the router has no adapter for family " + provider.family());
                continue;
            }
            try {
                adapter.configure(provider);
            } catch (IllegalArgumentException e) {
                problems.add(e.getMessage());
            }
        }
        return problems;
    }

    public Optional<ProviderAdapter> forFamily(String family) {
        return Optional.ofNullable(byFamily.get(family));
    }
}
