package dev.switchboard.router.routing;

import dev.switchboard.catalog.Catalog;
import dev.switchboard.catalog.CatalogLoader;
import dev.switchboard.catalog.EndpointSpec;
import dev.switchboard.router.health.EndpointStats;
import dev.switchboard.router.health.HealthSnapshot;
import dev.switchboard.router.health.ProviderState;
import dev.switchboard.wire.AccountPreferences;
import dev.switchboard.wire.ChatMessage;
import dev.switchboard.wire.ChatRequest;
import dev.switchboard.wire.RoutingPreferences;
import dev.switchboard.wire.Sampling;
import dev.switchboard.wire.Tool;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The routing policy over a small catalog of its own, with a health snapshot the test sets and a seeded draw. */
class RoutePlannerTest {

    private static final String CATALOG = """
            providers:
              - { name: cheap, display_name: Cheap, family: openai-chat, base_url: "http://127.0.0.1/cheap",
                  data_policy: { training: false, retains_prompts: false } }
              - { name: mid, display_name: Mid, family: openai-chat, base_url: "http://127.0.0.1/mid",
                  data_policy: { training: false, retains_prompts: true } }
              - { name: dear, display_name: Dear, family: openai-chat, base_url: "http://127.0.0.1/dear",
                  data_policy: { training: true, retains_prompts: true } }
              - { name: zero, display_name: Zero, family: openai-chat, base_url: "http://127.0.0.1/zero",
                  data_policy: { training: false, retains_prompts: false } }
            models:
              - id: test/chat
                name: "Test chat"
                context_length: 8000
                endpoints:
                  - { provider: cheap, upstream_model: c, max_output_tokens: 1000, prices: { prompt: "1", completion: "1" } }
                  - { provider: mid, upstream_model: c, max_output_tokens: 1000, prices: { prompt: "2", completion: "2" } }
                  - { provider: dear, upstream_model: c, max_output_tokens: 1000, prices: { prompt: "4", completion: "4" } }
                  - { provider: zero, upstream_model: c, max_output_tokens: 1000, zdr: true, prices: { prompt: "3", completion: "3" } }
              - id: test/plain
                name: "Test plain"
                context_length: 8000
                supported_parameters: [max_tokens, temperature]
                endpoints:
                  - { provider: cheap, upstream_model: p, max_output_tokens: 1000, prices: { prompt: "1", completion: "1" } }
            """;

    private final Catalog catalog =
            CatalogLoader.parse(new ByteArrayInputStream(CATALOG.getBytes(StandardCharsets.UTF_8)), "test");
    private final Map<String, ProviderState> states = new HashMap<>();
    private final Map<String, EndpointStats> stats = new HashMap<>();
    private final HealthSnapshot health = new HealthSnapshot() {
        @Override
        public ProviderState state(String provider) {
            return states.getOrDefault(provider, ProviderState.UNKNOWN);
        }

        @Override
        public EndpointStats stats(EndpointSpec endpoint) {
            return stats.getOrDefault(endpoint.provider(), EndpointStats.UNKNOWN);
        }
    };
    private final SplittableRandom random = new SplittableRandom(7);
    private final RoutePlanner planner = new RoutePlanner(catalog, health, () -> random);

    private static ChatRequest chat(String model, RoutingPreferences routing, List<Tool> tools) {
        return new ChatRequest(
                List.of(model),
                List.of(ChatMessage.text(ChatMessage.Role.USER, "hi")),
                Sampling.DEFAULT.withMaxTokens(100),
                tools,
                null,
                null,
                null,
                null,
                true,
                null,
                routing);
    }

    private static RoutingPreferences prefs(
            String sort, List<String> order, boolean denyData, boolean zdr, boolean allowFallbacks) {
        return new RoutingPreferences(
                order, allowFallbacks, false, denyData, zdr, List.of(), List.of(), List.of(), sort, null, null);
    }

    private List<String> providers(RoutePlanner.Plan plan) {
        return plan.candidates().stream().map(c -> c.provider().name()).toList();
    }

    private RoutePlanner.Plan plan(RoutingPreferences routing) {
        return planner.plan(chat("test/chat", routing, null), 100, AccountPreferences.NONE);
    }

    @Test
    void theDefaultDrawFollowsTheInverseSquareOfThePrice() {
        Map<String, Integer> first = new HashMap<>();
        int draws = 40_000;
        for (int i = 0; i < draws; i++) {
            RoutePlanner.Plan plan = plan(RoutingPreferences.DEFAULT);
            assertThat(plan.strategy()).isEqualTo(RoutePlanner.WEIGHTED);
            assertThat(plan.candidates()).hasSize(4);
            first.merge(plan.candidates().getFirst().provider().name(), 1, Integer::sum);
        }
        // weights 1/1², 1/2², 1/3², 1/4² for prices 1, 2, 3, 4
        double total = 1 + 1 / 4.0 + 1 / 9.0 + 1 / 16.0;
        assertThat(first.get("cheap") / (double) draws).isCloseTo(1 / total, within(0.01));
        assertThat(first.get("mid") / (double) draws).isCloseTo(0.25 / total, within(0.01));
        assertThat(first.get("zero") / (double) draws).isCloseTo((1 / 9.0) / total, within(0.01));
        assertThat(first.get("dear") / (double) draws).isCloseTo((1 / 16.0) / total, within(0.01));
    }

    @Test
    void recentErrorsAndLatencyLowerAnEndpointsShare() {
        stats.put("cheap", new EndpointStats(0.5, null, null));
        stats.put("mid", new EndpointStats(1.0, 2000L, null));
        Map<String, Integer> first = new HashMap<>();
        int draws = 40_000;
        for (int i = 0; i < draws; i++) {
            first.merge(providers(plan(RoutingPreferences.DEFAULT)).getFirst(), 1, Integer::sum);
        }
        // cheap: 1 × 0.5⁴ = 0.0625; mid: 0.25 / (1 + 2000 / 2000) = 0.125; zero 1/9; dear 1/16
        double total = 0.0625 + 0.125 + 1 / 9.0 + 1 / 16.0;
        assertThat(first.get("cheap") / (double) draws).isCloseTo(0.0625 / total, within(0.01));
        assertThat(first.get("mid") / (double) draws).isCloseTo(0.125 / total, within(0.01));
    }

    @Test
    void sortsOrderByPriceLatencyAndThroughputWithUnmeasuredEndpointsLast() {
        assertThat(providers(plan(prefs("price", List.of(), false, false, true))))
                .containsExactly("cheap", "mid", "zero", "dear");
        stats.put("dear", new EndpointStats(1.0, 100L, 90.0));
        stats.put("mid", new EndpointStats(1.0, 400L, 30.0));
        stats.put("zero", new EndpointStats(1.0, 200L, 120.0));
        RoutePlanner.Plan latency = plan(prefs("latency", List.of(), false, false, true));
        assertThat(latency.strategy()).isEqualTo("latency");
        assertThat(providers(latency)).containsExactly("dear", "zero", "mid", "cheap");
        assertThat(providers(plan(prefs("throughput", List.of(), false, false, true))))
                .containsExactly("zero", "dear", "mid", "cheap");
    }

    @Test
    void anExplicitOrderComesFirstDegradedProvidersLastAndDownOnesNever() {
        states.put("cheap", ProviderState.DEGRADED);
        states.put("dear", ProviderState.DOWN);
        RoutePlanner.Plan plan = plan(prefs("price", List.of("zero"), false, false, true));
        assertThat(providers(plan)).containsExactly("zero", "mid", "cheap");
        assertThat(plan.rejected())
                .anySatisfy(r -> assertThat(r).contains("dear").contains("down"));
        assertThat(providers(plan(prefs("price", List.of("zero"), false, false, false))))
                .containsExactly("zero");
    }

    @Test
    void dataPolicyAndZeroRetentionFilterTheEndpoints() {
        assertThat(providers(plan(prefs("price", List.of(), true, false, true))))
                .containsExactly("cheap", "zero");
        RoutePlanner.Plan zdr = plan(prefs("price", List.of(), false, true, true));
        assertThat(providers(zdr)).containsExactly("zero");
        assertThat(zdr.rejected()).anySatisfy(r -> assertThat(r).contains("zero data retention"));
        AccountPreferences account = new AccountPreferences(List.of(), null, List.of(), true, false, "price");
        RoutePlanner.Plan byAccount = planner.plan(chat("test/chat", RoutingPreferences.DEFAULT, null), 100, account);
        assertThat(providers(byAccount)).containsExactly("cheap", "zero");
        assertThat(byAccount.strategy()).isEqualTo("price");
    }

    @Test
    void aModelThatTakesNoToolsIsNotOfferedARequestWithTools() {
        Tool tool = new Tool("lookup", null, null);
        RoutePlanner.Plan plan = planner.plan(
                chat("test/plain", RoutingPreferences.DEFAULT, List.of(tool)), 10, AccountPreferences.NONE);
        assertThat(plan.candidates()).isEmpty();
        assertThat(plan.rejected()).anySatisfy(r -> assertThat(r).contains("does not take tools"));
        assertThat(planner.plan(chat("test/plain", RoutingPreferences.DEFAULT, null), 10, AccountPreferences.NONE)
                        .candidates())
                .hasSize(1);
    }
}
