package dev.switchboard.simulator;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** What reached each provider: counters overall and per family, and fingerprints of every credential presented. */
public final class Stats {

    private final Map<String, ProviderStats> providers = new ConcurrentHashMap<>();

    public void request(String provider, String family) {
        of(provider).count(family, c -> c.requests);
    }

    public void unauthorized(String provider, String family) {
        of(provider).count(family, c -> c.unauthorized);
    }

    public void cancelled(String provider, String family) {
        of(provider).count(family, c -> c.cancelled);
    }

    public void presented(String provider, Collection<String> credentials) {
        credentials.forEach(c -> of(provider).fingerprints.add(Credentials.fingerprint(c)));
    }

    public long requests(String provider) {
        ProviderStats p = providers.get(provider);
        return p == null ? 0 : p.total.requests.sum();
    }

    public long unauthorized(String provider) {
        ProviderStats p = providers.get(provider);
        return p == null ? 0 : p.total.unauthorized.sum();
    }

    public long cancelled(String provider) {
        ProviderStats p = providers.get(provider);
        return p == null ? 0 : p.total.cancelled.sum();
    }

    public Set<String> fingerprints(String provider) {
        ProviderStats p = providers.get(provider);
        return p == null ? Set.of() : Set.copyOf(p.fingerprints);
    }

    public void clear() {
        providers.clear();
    }

    /**
     * {@code {"providers":{"<p>":{"requests","unauthorized","cancelled","by_family":{"<family>":{"requests",
     * "unauthorized","cancelled"}},"credential_fingerprints":[...]}}}}, names and fingerprints sorted.
     */
    public ObjectNode toJson() {
        ObjectNode root = Json.object();
        ObjectNode out = root.putObject("providers");
        new TreeMap<>(providers).forEach((name, p) -> {
            ObjectNode provider = p.total.write(out.putObject(name));
            ObjectNode families = provider.putObject("by_family");
            new TreeMap<>(p.families).forEach((family, c) -> c.write(families.putObject(family)));
            new TreeSet<>(p.fingerprints).forEach(provider.putArray("credential_fingerprints")::add);
        });
        return root;
    }

    private ProviderStats of(String provider) {
        return providers.computeIfAbsent(provider, p -> new ProviderStats());
    }

    private static final class ProviderStats {
        final Counters total = new Counters();
        final Map<String, Counters> families = new ConcurrentHashMap<>();
        final Set<String> fingerprints = ConcurrentHashMap.newKeySet();

        void count(String family, java.util.function.Function<Counters, LongAdder> counter) {
            counter.apply(total).increment();
            counter.apply(families.computeIfAbsent(family, f -> new Counters())).increment();
        }
    }

    private static final class Counters {
        final LongAdder requests = new LongAdder();
        final LongAdder unauthorized = new LongAdder();
        final LongAdder cancelled = new LongAdder();

        ObjectNode write(ObjectNode node) {
            return node.put("requests", requests.sum())
                    .put("unauthorized", unauthorized.sum())
                    .put("cancelled", cancelled.sum());
        }
    }
}
