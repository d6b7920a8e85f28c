package dev.switchboard.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ProviderSimulatorTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static Vertx vertx;
    private static ProviderSimulator simulator;
    private static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        simulator = new ProviderSimulator(vertx, Map.of("openai", "real-looking-key"));
        simulator
                .start("127.0.0.1", 0)
                .toCompletionStage()
                .toCompletableFuture()
                .get();
    }

    @AfterAll
    static void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get();
    }

    private HttpResponse<String> post(String path, String key, String body) throws Exception {
        var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + simulator.port() + path))
                .header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static final String CHAT = """
            {"model":"gpt-4o-mini","messages":[{"role":"user","content":"Say hello"}]}""";

    @Test
    void answersInOpenAiShapeWithUsage() throws Exception {
        HttpResponse<String> response = post("/openai/v1/chat/completions", "real-looking-key", CHAT);
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.path("object").asText()).isEqualTo("chat.completion");
        assertThat(body.path("choices").get(0).path("message").path("role").asText())
                .isEqualTo("assistant");
        assertThat(body.path("choices").get(0).path("message").path("content").asText())
                .isNotBlank();
        assertThat(body.path("choices").get(0).path("finish_reason").asText()).isEqualTo("stop");
        assertThat(body.path("usage").path("prompt_tokens").asInt()).isPositive();
        assertThat(body.path("usage").path("completion_tokens").asInt()).isPositive();
    }

    @Test
    void sameRequestSameAnswer() throws Exception {
        String a = JSON.readTree(post("/openai/v1/chat/completions", "real-looking-key", CHAT)
                        .body())
                .at("/choices/0/message/content")
                .asText();
        String b = JSON.readTree(post("/openai/v1/chat/completions", "real-looking-key", CHAT)
                        .body())
                .at("/choices/0/message/content")
                .asText();
        assertThat(a).isEqualTo(b);
    }

    @Test
    void streamsSseEndingInDoneWithUsageWhenAsked() throws Exception {
        String body = CHAT.replace("}]}", "}],\"stream\":true,\"stream_options\":{\"include_usage\":true}}");
        HttpResponse<String> response =
                post("/groq/v1/chat/completions", ProviderSimulator.defaultCredential("groq"), body);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValue("text/event-stream");
        List<String> events = response.body()
                .lines()
                .filter(l -> l.startsWith("data: "))
                .map(l -> l.substring(6))
                .toList();
        assertThat(events.getLast()).isEqualTo("[DONE]");
        JsonNode usageChunk = JSON.readTree(events.get(events.size() - 2));
        assertThat(usageChunk.path("choices")).isEmpty();
        assertThat(usageChunk.path("usage").path("completion_tokens").asInt()).isPositive();
        JsonNode finish = JSON.readTree(events.get(events.size() - 3));
        assertThat(finish.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
        StringBuilder text = new StringBuilder();
        events.subList(0, events.size() - 1).forEach(e -> {
            try {
                text.append(JSON.readTree(e).at("/choices/0/delta/content").asText(""));
            } catch (Exception ex) {
                throw new AssertionError(ex);
            }
        });
        assertThat(text).isNotEmpty();
    }

    @Test
    void anyOtherCredentialIsRefused() throws Exception {
        long before = simulator.unauthorized("openai");
        HttpResponse<String> response = post("/openai/v1/chat/completions", "sk-sb-v1-a-switchboard-key", CHAT);
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(JSON.readTree(response.body()).at("/error/code").asText()).isEqualTo("invalid_api_key");
        assertThat(simulator.unauthorized("openai")).isEqualTo(before + 1);
    }

    @Test
    void injectedFailuresAreServedThenStop() throws Exception {
        simulator.behave("together", new Behaviour(1, 1, 5, 429, 1, 2, 0));
        HttpResponse<String> first =
                post("/together/v1/chat/completions", ProviderSimulator.defaultCredential("together"), CHAT);
        assertThat(first.statusCode()).isEqualTo(429);
        assertThat(first.headers().firstValue("retry-after")).hasValue("2");
        HttpResponse<String> second =
                post("/together/v1/chat/completions", ProviderSimulator.defaultCredential("together"), CHAT);
        assertThat(second.statusCode()).isEqualTo(200);
    }

    @Test
    void maxTokensCutsTheAnswerWithFinishReasonLength() throws Exception {
        HttpResponse<String> response = post(
                "/deepinfra/v1/chat/completions",
                ProviderSimulator.defaultCredential("deepinfra"),
                CHAT.replace("}]}", "}],\"max_tokens\":3}"));
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.at("/choices/0/finish_reason").asText()).isEqualTo("length");
    }

    @Test
    void malformedRequestsGet400() throws Exception {
        assertThat(post("/openai/v1/chat/completions", "real-looking-key", "{nope")
                        .statusCode())
                .isEqualTo(400);
        assertThat(post("/openai/v1/chat/completions", "real-looking-key", "{\"model\":\"x\",\"messages\":[]}")
                        .statusCode())
                .isEqualTo(400);
    }

    @Test
    void embeddingsAreDeterministicUnitVectors() throws Exception {
        String body = "{\"model\":\"text-embedding-3-small\",\"input\":[\"a\",\"b\"],\"dimensions\":8}";
        JsonNode first = JSON.readTree(
                post("/openai/v1/embeddings", "real-looking-key", body).body());
        JsonNode second = JSON.readTree(
                post("/openai/v1/embeddings", "real-looking-key", body).body());
        assertThat(first).isEqualTo(second);
        assertThat(first.path("data")).hasSize(2);
        double norm = 0;
        for (JsonNode x : first.at("/data/0/embedding")) {
            norm += x.asDouble() * x.asDouble();
        }
        assertThat(first.at("/data/0/embedding")).hasSize(8);
        assertThat(norm).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-4));
        assertThat(first.at("/usage/prompt_tokens").asInt()).isPositive();
    }
}
