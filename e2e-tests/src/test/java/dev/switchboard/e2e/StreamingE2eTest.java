package dev.switchboard.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Stream semantics through the whole stack: keep-alives while waiting, cancellation, the error statuses. */
@Order(10)
class StreamingE2eTest {

    static final String CHAT =
            "{\"model\":\"openai/gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";

    /** A streaming request held to OpenAI (the model's other endpoint, Azure, must not take it when OpenAI is slow). */
    static final String ONLY_OPENAI = ",\"stream\":true,\"provider\":{\"only\":[\"openai\"]}}";

    @AfterEach
    void reset() {
        Stack.simulator("DELETE", "/_sim/providers", null);
        // failures may have marked providers down: wait until routing is back to normal
        // (OpenAI itself, not Azure standing in for it: the tests pinned to OpenAI need it routable; a
        // provider whose failures opened its shared breaker is degraded for 60 s, then tried again).
        // Routable for 3 s on end: a probe sent while a test slowed the provider may still report it
        // down when it times out.
        await().atMost(Duration.ofSeconds(90))
                .during(Duration.ofSeconds(3))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> "openai"
                                .equals(Stack.postChat(Stack.key(), CHAT + ",\"provider\":{\"only\":[\"openai\"]}}")
                                        .headers()
                                        .firstValue("X-Provider")
                                        .orElse(""))
                        && "azure"
                                .equals(Stack.postChat(Stack.key(), CHAT + ",\"provider\":{\"only\":[\"azure\"]}}")
                                        .headers()
                                        .firstValue("X-Provider")
                                        .orElse(""))
                        && "deepinfra"
                                .equals(Stack.postChat(
                                                Stack.key(),
                                                "{\"model\":\"meta-llama/llama-3.1-8b-instruct:floor\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                                        .headers()
                                        .firstValue("X-Provider")
                                        .orElse("")));
    }

    private static long simulatorCount(String provider, String counter) {
        HttpResponse<String> stats = Stack.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + Stack.getOr("SIM_PORT", "8090") + "/_sim/stats"))
                .build());
        return Stack.json(stats.body())
                .at("/providers/" + provider + "/" + counter)
                .asLong(0);
    }

    @Test
    void aSlowProviderGetsKeepAliveCommentsBeforeTheFirstToken() {
        Stack.simulator("PUT", "/_sim/providers/openai", "{\"ttft_ms\":3500,\"tokens\":3}");
        HttpResponse<String> response = Stack.postChat(Stack.key(), CHAT + ONLY_OPENAI);
        assertThat(response.statusCode()).isEqualTo(200);
        String body = response.body();
        assertThat(body).startsWith(": SWITCHBOARD PROCESSING");
        assertThat(body.indexOf(": SWITCHBOARD PROCESSING")).isLessThan(body.indexOf("data: "));
        assertThat(body.strip()).endsWith("data: [DONE]");
    }

    @Test
    void aClientThatHangsUpCancelsTheProviderCallWithinASecond() throws Exception {
        Stack.simulator("PUT", "/_sim/providers/openai", "{\"tokens\":200,\"inter_token_ms\":100}");
        long before = simulatorCount("openai", "cancelled");
        HttpResponse<InputStream> response = Stack.HTTP.send(
                HttpRequest.newBuilder(URI.create(Stack.url() + "/chat/completions"))
                        .header("Authorization", "Bearer " + Stack.key())
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(CHAT + ONLY_OPENAI))
                        .build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        InputStream body = response.body();
        byte[] first = new byte[64];
        assertThat(body.read(first)).isPositive();
        long hungUpAt = System.nanoTime();
        body.close();

        await().atMost(Duration.ofSeconds(1))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> simulatorCount("openai", "cancelled") > before);
        assertThat(Duration.ofNanos(System.nanoTime() - hungUpAt)).isLessThan(Duration.ofSeconds(1));
    }

    @Test
    void providerErrorsAre502AndNoProviderIs503WithReasons() {
        // both endpoints of the model fail: OpenAI and Azure
        Stack.simulator("PUT", "/_sim/providers/openai", "{\"fail_status\":500}");
        Stack.simulator("PUT", "/_sim/providers/azure", "{\"fail_status\":500}");
        HttpResponse<String> failing = Stack.postChat(Stack.key(), CHAT + "}");
        assertThat(failing.statusCode()).as(failing.body()).isEqualTo(502);
        assertThat(Stack.json(failing.body()).at("/error/code").asInt()).isEqualTo(502);

        HttpResponse<String> nobody = Stack.postChat(Stack.key(), CHAT + ",\"provider\":{\"only\":[\"nobody\"]}}");
        assertThat(nobody.statusCode()).isEqualTo(503);
        JsonNode error = Stack.json(nobody.body()).path("error");
        assertThat(error.path("code").asInt()).isEqualTo(503);
        assertThat(error.at("/metadata/reasons").toString()).contains("only");
    }

    @Test
    void bodiesOverTheLimitAre413AndDeepNestingIs400() {
        String big = "{\"model\":\"openai/gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\""
                + "x".repeat(10_500_000) + "\"}]}";
        assertThat(Stack.postChat(Stack.key(), big).statusCode()).isEqualTo(413);
        String deep = CHAT + ",\"extra\":" + "[".repeat(200) + "]".repeat(200) + "}";
        assertThat(Stack.postChat(Stack.key(), deep).statusCode()).isEqualTo(400);
        byte[] invalidUtf8 = (CHAT + "}").getBytes(StandardCharsets.UTF_8);
        invalidUtf8[new String(invalidUtf8, StandardCharsets.UTF_8).indexOf("hi")] = (byte) 0xC3;
        HttpResponse<String> utf8 = Stack.send(HttpRequest.newBuilder(URI.create(Stack.url() + "/chat/completions"))
                .header("Authorization", "Bearer " + Stack.key())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(invalidUtf8))
                .build());
        assertThat(utf8.statusCode()).isEqualTo(400);
    }

    @Test
    void routingPreferencesChooseTheProvider() {
        // ":floor": cheapest first, so each preference's effect is deterministic
        String llama =
                "{\"model\":\"meta-llama/llama-3.1-8b-instruct:floor\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";
        // the cheapest endpoint while healthy; an earlier test's outage may still weigh on its last minute for a moment
        await().atMost(Duration.ofSeconds(15))
                .pollInterval(Duration.ofMillis(250))
                .untilAsserted(() -> assertThat(Stack.postChat(Stack.key(), llama + "}")
                                .headers()
                                .firstValue("X-Provider"))
                        .hasValue("deepinfra"));
        assertThat(Stack.postChat(Stack.key(), llama + ",\"provider\":{\"order\":[\"together\",\"groq\"]}}")
                        .headers()
                        .firstValue("X-Provider"))
                .hasValue("together");
        assertThat(Stack.postChat(Stack.key(), llama + ",\"provider\":{\"ignore\":[\"deepinfra\"]}}")
                        .headers()
                        .firstValue("X-Provider"))
                .hasValue("groq");
        assertThat(Stack.postChat(Stack.key(), llama + ",\"provider\":{\"only\":[\"together\"]}}")
                        .headers()
                        .firstValue("X-Provider"))
                .hasValue("together");
        // max_price in USD per million tokens: only deepinfra ($0.03/$0.05) fits under $0.04 for prompts
        assertThat(Stack.postChat(Stack.key(), llama + ",\"provider\":{\"max_price\":{\"prompt\":0.04}}}")
                        .headers()
                        .firstValue("X-Provider"))
                .hasValue("deepinfra");
        Stack.simulator("PUT", "/_sim/providers/deepinfra", "{\"fail_status\":503}");
        // only deepinfra may serve, and it cannot: 503 whether it is already marked down or fails when tried
        assertThat(Stack.postChat(
                                Stack.key(),
                                llama + ",\"provider\":{\"order\":[\"deepinfra\"],\"allow_fallbacks\":false}}")
                        .statusCode())
                .isEqualTo(503);
        assertThat(Stack.postChat(Stack.key(), llama + "}").headers().firstValue("X-Provider"))
                .hasValue("groq");
    }
}
