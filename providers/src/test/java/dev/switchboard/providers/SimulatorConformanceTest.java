package dev.switchboard.providers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.simulator.ProviderSimulator;
import dev.switchboard.testsupport.Specs;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The simulator's answers, streamed and not, with text, tool calls and reasoning, validated against
 * the official OpenAPI descriptions of the four families that publish one (OpenAI, Mistral,
 * Anthropic, Gemini): a test double that drifts from the real protocol would make every adapter test
 * against it meaningless.
 */
class SimulatorConformanceTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final String TOOLS_OPENAI = """
            [{"type":"function","function":{"name":"weather","parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}},
             {"type":"function","function":{"name":"time","parameters":{"type":"object","properties":{"zone":{"type":"string"}}}}}]""";
    private static Vertx vertx;
    private static ProviderSimulator simulator;

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        simulator = new ProviderSimulator(vertx, Map.of());
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

    private static HttpResponse<String> post(String path, String body, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + simulator.port() + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The data of every server-sent event ({@code [DONE]} left out). */
    private static List<String> events(String body) {
        List<String> out = new ArrayList<>();
        for (String line : body.split("\r?\n")) {
            if (line.startsWith("data: ") && !"data: [DONE]".equals(line)) {
                out.add(line.substring(6));
            }
        }
        return out;
    }

    private static String chat(String model, boolean stream, boolean tools) {
        return "{\"model\":\"" + model + "\",\"stream\":" + stream
                + (stream ? ",\"stream_options\":{\"include_usage\":true}" : "")
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"Weather in Paris?\"}]"
                + (tools ? ",\"tools\":" + TOOLS_OPENAI : "") + "}";
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void openAiAnswersAreChatCompletions(boolean tools) throws Exception {
        String auth = "Bearer " + ProviderSimulator.defaultCredential("openai");
        HttpResponse<String> whole =
                post("/openai/v1/chat/completions", chat("gpt-4o-mini", false, tools), "Authorization", auth);
        assertThat(whole.statusCode()).isEqualTo(200);
        Specs.assertComponent(Specs.OPENAI, "CreateChatCompletionResponse", whole.body());
        assertThat(JSON.readTree(whole.body())
                        .at("/choices/0/message/tool_calls")
                        .isArray())
                .isEqualTo(tools);

        HttpResponse<String> stream =
                post("/openai/v1/chat/completions", chat("gpt-4o-mini", true, tools), "Authorization", auth);
        List<String> chunks = events(stream.body());
        assertThat(chunks).hasSizeGreaterThan(2);
        chunks.forEach(chunk -> Specs.assertComponent(Specs.OPENAI, "CreateChatCompletionStreamResponse", chunk));
    }

    @Test
    void openAiEmbeddingsAndErrorsMatchTheirSchemas() throws Exception {
        HttpResponse<String> embeddings = post(
                "/openai/v1/embeddings",
                "{\"model\":\"text-embedding-3-small\",\"input\":[\"a\",\"b\"]}",
                "Authorization",
                "Bearer " + ProviderSimulator.defaultCredential("openai"));
        Specs.assertComponent(Specs.OPENAI, "CreateEmbeddingResponse", embeddings.body());
        HttpResponse<String> refused = post(
                "/openai/v1/chat/completions",
                chat("gpt-4o-mini", false, false),
                "Authorization",
                "Bearer sk-sb-caller");
        assertThat(refused.statusCode()).isEqualTo(401);
        Specs.assertComponent(Specs.OPENAI, "ErrorResponse", refused.body());
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void mistralAnswersAreMistralCompletions(boolean tools) throws Exception {
        String auth = "Bearer " + ProviderSimulator.defaultCredential("mistral");
        String body = chat("mistral-small-latest", false, tools);
        HttpResponse<String> whole = post("/mistral/v1/chat/completions", body, "Authorization", auth);
        assertThat(whole.statusCode()).as(whole.body()).isEqualTo(200);
        // Mistral's description lists a "data" property as required that it never defines, and its API never sends
        assertThat(Specs.componentErrors(Specs.MISTRAL, "ChatCompletionResponse", whole.body()))
                .as(whole.body())
                .containsOnly(": required property 'data' not found");

        String streaming = body.replace("\"stream\":false", "\"stream\":true");
        HttpResponse<String> stream = post("/mistral/v1/chat/completions", streaming, "Authorization", auth);
        assertThat(stream.statusCode()).as(stream.body()).isEqualTo(200);
        List<String> chunks = events(stream.body());
        assertThat(chunks).hasSizeGreaterThan(1);
        chunks.forEach(chunk -> Specs.assertComponent(Specs.MISTRAL, "CompletionChunk", chunk));
        HttpResponse<String> embeddings = post(
                "/mistral/v1/embeddings", "{\"model\":\"mistral-embed\",\"input\":[\"a\"]}", "Authorization", auth);
        Specs.assertComponent(Specs.MISTRAL, "EmbeddingResponse", embeddings.body());
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void anthropicAnswersAreMessagesAndStreamEvents(boolean toolsAndThinking) throws Exception {
        String extra = toolsAndThinking
                ? ",\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":1024},\"tools\":[{\"name\":\"weather\",\"input_schema\":"
                        + "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}}]"
                : "";
        String body =
                "{\"model\":\"claude-sonnet-4-20250514\",\"max_tokens\":2048,\"messages\":[{\"role\":\"user\",\"content\":\"Weather?\"}]"
                        + extra;
        String[] headers = {
            "x-api-key", ProviderSimulator.defaultCredential("anthropic"), "anthropic-version", "2023-06-01"
        };
        HttpResponse<String> whole = post("/anthropic/v1/messages", body + "}", headers);
        assertThat(whole.statusCode()).as(whole.body()).isEqualTo(200);
        Specs.assertComponent(Specs.ANTHROPIC, "Message", whole.body());
        JsonNode content = JSON.readTree(whole.body()).path("content");
        if (toolsAndThinking) {
            assertThat(content.get(0).path("type").asText()).isEqualTo("thinking");
            assertThat(content.toString()).contains("\"tool_use\"");
        }
        HttpResponse<String> stream = post("/anthropic/v1/messages", body + ",\"stream\":true}", headers);
        List<String> events = events(stream.body());
        assertThat(events).hasSizeGreaterThan(4);
        events.forEach(event -> Specs.assertComponent(Specs.ANTHROPIC, "MessageStreamEvent", event));
        HttpResponse<String> refused = post(
                "/anthropic/v1/messages", body + "}", "x-api-key", "sk-sb-caller", "anthropic-version", "2023-06-01");
        assertThat(refused.statusCode()).isEqualTo(401);
        Specs.assertComponent(Specs.ANTHROPIC, "ErrorResponse", refused.body());
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void geminiAnswersAreGenerateContentResponses(boolean toolsAndThinking) throws Exception {
        String extra = toolsAndThinking
                ? ",\"tools\":[{\"functionDeclarations\":[{\"name\":\"weather\",\"parametersJsonSchema\":{\"type\":\"object\","
                        + "\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}}]}],"
                        + "\"generationConfig\":{\"thinkingConfig\":{\"thinkingBudget\":1024,\"includeThoughts\":true}}"
                : "";
        String body = "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"Weather?\"}]}]" + extra + "}";
        String[] headers = {"x-goog-api-key", ProviderSimulator.defaultCredential("google")};
        HttpResponse<String> whole = post("/google/v1beta/models/gemini-2.5-flash:generateContent", body, headers);
        assertThat(whole.statusCode()).as(whole.body()).isEqualTo(200);
        Specs.assertComponent(Specs.GEMINI, "GenerateContentResponse", whole.body());
        if (toolsAndThinking) {
            assertThat(whole.body()).contains("\"functionCall\"").contains("\"thoughtSignature\"");
        }
        HttpResponse<String> stream =
                post("/google/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse", body, headers);
        List<String> chunks = events(stream.body());
        assertThat(chunks).hasSizeGreaterThan(1);
        chunks.forEach(chunk -> Specs.assertComponent(Specs.GEMINI, "GenerateContentResponse", chunk));
        HttpResponse<String> embeddings = post(
                "/google/v1beta/models/gemini-embedding-001:batchEmbedContents",
                "{\"requests\":[{\"model\":\"models/gemini-embedding-001\",\"content\":{\"parts\":[{\"text\":\"a\"}]}}]}",
                headers);
        Specs.assertComponent(Specs.GEMINI, "BatchEmbedContentsResponse", embeddings.body());
    }
}
