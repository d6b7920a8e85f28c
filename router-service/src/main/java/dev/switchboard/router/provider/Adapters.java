package dev.switchboard.router.provider;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** Every {@link ProviderAdapter} bean, by family. */
@ApplicationScoped
public class Adapters {

    private final Map<String, ProviderAdapter> byFamily = new HashMap<>();

    public Adapters(Instance<ProviderAdapter> adapters) {
        for (ProviderAdapter adapter : adapters) {
            if (byFamily.put(adapter.family(), adapter) != null) {
                throw new IllegalStateException("two adapters for family " + adapter.family());
            }
        }
    }

    public Optional<ProviderAdapter> forFamily(String family) {
        return Optional.ofNullable(byFamily.get(family));
    }
}
