package dev.switchboard.providers;

import dev.switchboard.catalog.ProviderSpec;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * A family's options bound to the exact {@link ProviderSpec} a request carries: what
 * {@link ProviderAdapter#configure} makes of a spec is cached for that spec instance only, so a
 * candidate catalog that was checked (and perhaps rejected) never changes the options of the
 * catalog in force, and an accepted reload is used from its first request. One entry per provider
 * name; a lookup is one map read and one identity comparison.
 *
 * @param <O> the family's options type
 */
public final class BoundOptions<O> {

    private final Function<ProviderSpec, O> configure;
    private final Map<String, Bound<O>> byName = new ConcurrentHashMap<>();

    public BoundOptions(Function<ProviderSpec, O> configure) {
        this.configure = configure;
    }

    /** The options of {@code provider}, read from it on first use (or when the spec instance changed). */
    public O of(ProviderSpec provider) {
        Bound<O> bound = byName.get(provider.name());
        if (bound != null && bound.spec() == provider) {
            return bound.options();
        }
        O options = configure.apply(provider);
        byName.put(provider.name(), new Bound<>(provider, options));
        return options;
    }

    private record Bound<O>(ProviderSpec spec, O options) {}
}
