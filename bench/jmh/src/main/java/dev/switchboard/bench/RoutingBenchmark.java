package dev.switchboard.bench;

import dev.switchboard.catalog.Catalog;
import dev.switchboard.catalog.CatalogLoader;
import dev.switchboard.catalog.EndpointSpec;
import dev.switchboard.catalog.ModelSpec;
import dev.switchboard.router.health.EndpointStats;
import dev.switchboard.router.health.HealthSnapshot;
import dev.switchboard.router.health.ProviderState;
import dev.switchboard.router.routing.RoutePlanner;
import dev.switchboard.wire.AccountPreferences;
import dev.switchboard.wire.ChatMessage;
import dev.switchboard.wire.ChatRequest;
import dev.switchboard.wire.RoutingPreferences;
import dev.switchboard.wire.Sampling;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * One routing decision ({@link RoutePlanner#plan}) over the built-in catalog, with a health snapshot
 * in which every provider is up and every endpoint has uptime, latency and throughput figures. Each
 * operation plans the next request of a fixed, shuffled list covering every chat model, with one
 * fallback model, under the given strategy.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RoutingBenchmark {

    /** The request's sort: none (the default weighted draw), price or latency. */
    @Param({"weighted", "price", "latency"})
    public String sort;

    private RoutePlanner planner;
    private ChatRequest[] requests;
    private int next;

    @Setup
    public void load() {
        Catalog catalog = CatalogLoader.builtIn();
        Map<EndpointSpec, EndpointStats> stats = new IdentityHashMap<>();
        SplittableRandom random = new SplittableRandom(11);
        List<ModelSpec> chat = catalog.models().stream()
                .filter(m -> ModelSpec.CHAT.equals(m.kind()))
                .toList();
        for (ModelSpec model : chat) {
            for (EndpointSpec endpoint : model.endpoints()) {
                stats.put(
                        endpoint,
                        new EndpointStats(
                                0.95 + random.nextDouble(0.05),
                                50L + random.nextLong(1500),
                                20 + random.nextDouble(300)));
            }
        }
        HealthSnapshot health = new HealthSnapshot() {
            @Override
            public ProviderState state(String provider) {
                return ProviderState.UP;
            }

            @Override
            public EndpointStats stats(EndpointSpec endpoint) {
                return stats.getOrDefault(endpoint, EndpointStats.UNKNOWN);
            }
        };
        planner = new RoutePlanner(catalog, health, ThreadLocalRandom::current);
        RoutingPreferences routing = "weighted".equals(sort)
                ? RoutingPreferences.DEFAULT
                : new RoutingPreferences(
                        List.of(), true, false, false, false, List.of(), List.of(), List.of(), sort, null, null);
        requests = new ChatRequest[chat.size() * 4];
        for (int i = 0; i < requests.length; i++) {
            ModelSpec model = chat.get(random.nextInt(chat.size()));
            ModelSpec fallback = chat.get(random.nextInt(chat.size()));
            requests[i] = ChatRequest.of(
                            model.id(),
                            List.of(ChatMessage.text(ChatMessage.Role.USER, "Summarize the attached notes")),
                            true)
                    .withModels(List.of(model.id(), fallback.id()))
                    .withSampling(Sampling.DEFAULT.withMaxTokens(512))
                    .withRouting(routing);
        }
        if (planner.plan(requests[0], 1200, AccountPreferences.NONE)
                .candidates()
                .isEmpty()) {
            throw new IllegalStateException("the benchmark's first request has no candidate");
        }
    }

    @Benchmark
    public RoutePlanner.Plan plan() {
        ChatRequest request = requests[next];
        next = next + 1 == requests.length ? 0 : next + 1;
        return planner.plan(request, 1200, AccountPreferences.NONE);
    }
}
