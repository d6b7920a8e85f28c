package dev.switchboard.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The routing policy through the whole stack, observed in {@code X-Provider} and
 * {@code X-Switchboard-Routing}: the default price-weighted draw, the three sorts and the model
 * suffixes on latency and throughput the routers measured themselves, and the data policy filters.
 */
@Order(12)
class RoutingE2eTest {

    static final String LLAMA = "{\"model\":\"meta-llama/llama-3.1-8b-instruct";
    /** A model no other test sends traffic to: its endpoints' latency and throughput are this test's alone. */
    static final String KIMI = "{\"model\":\"moonshotai/kimi-k2";

    static final String HI = "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";

    @AfterEach
    void reset() {
        Stack.simulator("DELETE", "/_sim/providers", null);
    }

    private static HttpResponse<String> chat(String model, String suffix, String extra) {
        HttpResponse<String> response = Stack.postChat(Stack.key(), model + suffix + HI + extra + "}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return response;
    }

    private static String provider(HttpResponse<String> response) {
        return response.headers().firstValue("X-Provider").orElse("");
    }

    @Test
    void byDefaultTrafficIsSpreadByPriceAcrossTheHealthyEndpoints() {
        Map<String, Integer> served = new HashMap<>();
        for (int i = 0; i < 40; i++) {
            // forty conversations (a prompt each), not one: a conversation would stick to its provider
            HttpResponse<String> response = Stack.postChat(
                    Stack.key(),
                    LLAMA + "\",\"messages\":[{\"role\":\"user\",\"content\":\"question " + i + " of "
                            + UUID.randomUUID() + "\"}]}");
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("X-Switchboard-Routing")).hasValue("weighted");
            served.merge(provider(response), 1, Integer::sum);
        }
        // the draw favours the cheap endpoints (RoutePlannerTest checks the shares) but is a draw
        assertThat(served).hasSizeGreaterThan(1);
    }

    @Test
    void aConversationStaysWithTheProviderThatServedItWhileItIsHealthy() {
        String system = "You are the assistant of conversation " + UUID.randomUUID();
        StringBuilder messages = new StringBuilder("[{\"role\":\"system\",\"content\":\"" + system + "\"}");
        String first = null;
        for (int turn = 0; turn < 8; turn++) {
            messages.append(",{\"role\":\"user\",\"content\":\"turn ")
                    .append(turn)
                    .append("\"}");
            HttpResponse<String> response = Stack.postChat(Stack.key(), LLAMA + "\",\"messages\":" + messages + "]}");
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            String provider = provider(response);
            if (first == null) {
                first = provider;
                assertThat(response.headers().firstValue("X-Switchboard-Routing"))
                        .hasValue("weighted");
            } else {
                // its prompt prefix is cached there: the same provider, every turn
                assertThat(provider).as("turn %d", turn).isEqualTo(first);
                assertThat(response.headers().firstValue("X-Switchboard-Routing"))
                        .hasValue("sticky");
            }
            messages.append(",{\"role\":\"assistant\",\"content\":\"answer ")
                    .append(turn)
                    .append("\"}");
        }
    }

    @Test
    void sortsAndSuffixesFollowWhatTheRoutersMeasured() {
        // fireworks answers first but streams slowly; groq starts late and streams fast; deepinfra is
        // the cheapest and the slowest to start
        Stack.simulator("PUT", "/_sim/providers/fireworks", "{\"ttft_ms\":5,\"inter_token_ms\":40,\"tokens\":20}");
        Stack.simulator("PUT", "/_sim/providers/together", "{\"ttft_ms\":90,\"inter_token_ms\":10,\"tokens\":20}");
        Stack.simulator("PUT", "/_sim/providers/groq", "{\"ttft_ms\":300,\"inter_token_ms\":1,\"tokens\":20}");
        Stack.simulator("PUT", "/_sim/providers/deepinfra", "{\"ttft_ms\":700,\"inter_token_ms\":20,\"tokens\":20}");
        List<CompletableFuture<Void>> traffic = new java.util.ArrayList<>();
        for (String p : List.of("fireworks", "together", "groq", "deepinfra")) {
            traffic.add(CompletableFuture.runAsync(() -> {
                for (int i = 0; i < 3; i++) {
                    assertThat(provider(chat(KIMI, "", ",\"provider\":{\"only\":[\"" + p + "\"]}")))
                            .isEqualTo(p);
                }
            }));
        }
        CompletableFuture.allOf(traffic.toArray(CompletableFuture[]::new)).join();

        // the prober turns the routers' outcomes into stats every 10 s; the routers read them every second
        await().atMost(Duration.ofSeconds(40))
                .pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() -> {
                    HttpResponse<String> latency = chat(KIMI, "", ",\"provider\":{\"sort\":\"latency\"}");
                    assertThat(latency.headers().firstValue("X-Switchboard-Routing"))
                            .hasValue("latency");
                    assertThat(provider(latency)).isEqualTo("fireworks");
                    assertThat(provider(chat(KIMI, "", ",\"provider\":{\"sort\":\"throughput\"}")))
                            .isEqualTo("groq");
                });
        HttpResponse<String> nitro = chat(KIMI, ":nitro", "");
        assertThat(nitro.headers().firstValue("X-Switchboard-Routing")).hasValue("throughput");
        assertThat(provider(nitro)).isEqualTo("groq");
        HttpResponse<String> floor = chat(KIMI, ":floor", "");
        assertThat(floor.headers().firstValue("X-Switchboard-Routing")).hasValue("price");
        assertThat(provider(floor)).isEqualTo("deepinfra");
        assertThat(provider(chat(KIMI, "", ",\"provider\":{\"sort\":\"price\"}")))
                .isEqualTo("deepinfra");

        // the public endpoints view shows the same measurements
        JsonNode endpoints = Stack.json(Stack.get("/models/moonshotai/kimi-k2/endpoints", Stack.key())
                        .body())
                .at("/data/endpoints");
        assertThat(endpoints).anySatisfy(e -> {
            assertThat(e.path("provider_name").asText() + e.path("tag").asText())
                    .containsIgnoringCase("groq");
            assertThat(e.at("/throughput_last_30m/p50").asDouble()).isPositive();
        });
    }

    @Test
    void requireParametersAndFallbackModelsNarrowAndExtendTheChoice() {
        // Llama's endpoints do not list top_k: ignored unless every parameter must be honoured
        String topK = ",\"top_k\":20";
        assertThat(chat(LLAMA, ":floor", topK).statusCode()).isEqualTo(200);
        HttpResponse<String> strict =
                Stack.postChat(Stack.key(), LLAMA + HI + topK + ",\"provider\":{\"require_parameters\":true}}");
        assertThat(strict.statusCode()).isEqualTo(503);
        assertThat(Stack.json(strict.body()).at("/error/metadata/reasons").toString())
                .contains("does not support every requested parameter");

        // no OpenAI endpoint serves Llama: the next model of models[] does
        HttpResponse<String> fallback =
                chat(LLAMA, "", ",\"models\":[\"openai/gpt-4o-mini\"],\"provider\":{\"only\":[\"openai\"]}");
        assertThat(provider(fallback)).isEqualTo("openai");
        assertThat(fallback.headers().firstValue("X-Model-Used")).hasValue("openai/gpt-4o-mini");
    }

    @Test
    void dataCollectionDenyAndZeroRetentionLeaveOnlyTheProvidersThatQualify() {
        // together retains prompts; groq and fireworks keep nothing (catalog data_policy and zdr)
        assertThat(provider(chat(
                        LLAMA,
                        ":floor",
                        ",\"provider\":{\"only\":[\"together\",\"groq\"],\"data_collection\":\"deny\"}")))
                .isEqualTo("groq");
        assertThat(provider(
                        chat(LLAMA, ":floor", ",\"provider\":{\"only\":[\"together\",\"fireworks\"],\"zdr\":true}")))
                .isEqualTo("fireworks");
        HttpResponse<String> none =
                Stack.postChat(Stack.key(), LLAMA + HI + ",\"provider\":{\"only\":[\"together\"],\"zdr\":true}}");
        assertThat(none.statusCode()).isEqualTo(503);
        assertThat(Stack.json(none.body()).at("/error/metadata/reasons").toString())
                .contains("zero data retention");
    }
}
