package dev.switchboard.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.testsupport.Specs;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Responses of the running edge validated against the official OpenAPI descriptions in ../shared/specs. */
@Order(9)
class SpecConformanceE2eTest {

    private static final String CHAT =
            "{\"model\":\"openai/gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":32";

    private static List<String> sseData(String body) {
        return body.lines()
                .filter(l -> l.startsWith("data: "))
                .map(l -> l.substring(6))
                .filter(d -> !d.equals("[DONE]"))
                .toList();
    }

    @Test
    void chatCompletionsMatchOpenAiAndOpenRouter() {
        HttpResponse<String> response = Stack.postChat(Stack.key(), CHAT + "}");
        assertThat(response.statusCode()).isEqualTo(200);
        Specs.assertComponent(Specs.OPENAI, "CreateChatCompletionResponse", response.body());
        Specs.assertComponent(Specs.OPENROUTER, "ChatResult", response.body());
    }

    @Test
    void streamChunksMatchOpenAi() {
        HttpResponse<String> response = Stack.postChat(Stack.key(), CHAT + ",\"stream\":true}");
        List<String> chunks = sseData(response.body());
        assertThat(chunks).isNotEmpty();
        chunks.forEach(chunk -> Specs.assertComponent(Specs.OPENAI, "CreateChatCompletionStreamResponse", chunk));
    }

    @Test
    void legacyCompletionsAndEmbeddingsMatchOpenAi() {
        HttpResponse<String> completion = Stack.call(
                "POST",
                Stack.url(),
                "/completions",
                Stack.key(),
                "{\"model\":\"openai/gpt-4o-mini\",\"prompt\":\"Once upon a time\",\"max_tokens\":16}");
        assertThat(completion.statusCode()).as(completion.body()).isEqualTo(200);
        Specs.assertComponent(Specs.OPENAI, "CreateCompletionResponse", completion.body());
        HttpResponse<String> embeddings = Stack.call(
                "POST",
                Stack.url(),
                "/embeddings",
                Stack.key(),
                "{\"model\":\"openai/text-embedding-3-small\",\"input\":[\"a\",\"b\"],\"encoding_format\":\"float\",\"dimensions\":4}");
        assertThat(embeddings.statusCode()).as(embeddings.body()).isEqualTo(200);
        Specs.assertComponent(Specs.OPENAI, "CreateEmbeddingResponse", embeddings.body());
    }

    @Test
    void messagesMatchAnthropic() {
        String body =
                "{\"model\":\"openai/gpt-4o-mini\",\"max_tokens\":32,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";
        HttpResponse<String> message = Stack.call("POST", Stack.url(), "/messages", Stack.key(), body + "}");
        assertThat(message.statusCode()).as(message.body()).isEqualTo(200);
        Specs.assertComponent(Specs.ANTHROPIC, "Message", message.body());
        HttpResponse<String> stream =
                Stack.call("POST", Stack.url(), "/messages", Stack.key(), body + ",\"stream\":true}");
        List<String> lines = stream.body().lines().toList();
        List<String> events =
                lines.stream().filter(l -> l.startsWith("event: ")).toList();
        List<String> data = sseData(stream.body());
        assertThat(events).hasSameSizeAs(data);
        assertThat(events.getFirst()).isEqualTo("event: message_start");
        assertThat(events.getLast()).isEqualTo("event: message_stop");
        data.forEach(event -> Specs.assertComponent(Specs.ANTHROPIC, "MessageStreamEvent", event));
        HttpResponse<String> error = Stack.call(
                "POST", Stack.url(), "/messages", Stack.key(), "{\"model\":\"openai/gpt-4o-mini\",\"messages\":[]}");
        assertThat(error.statusCode()).isEqualTo(400);
        Specs.assertComponent(Specs.ANTHROPIC, "ErrorResponse", error.body());
    }

    @Test
    void listingsAndAccountEndpointsMatchOpenRouter() {
        HttpResponse<String> models = Stack.get("/models", Stack.key());
        assertThat(models.statusCode()).isEqualTo(200);
        Specs.assertComponent(Specs.OPENROUTER, "ModelsListResponse", models.body());
        Specs.assertComponent(Specs.OPENAI, "ListModelsResponse", models.body());
        HttpResponse<String> endpoints = Stack.get("/models/meta-llama/llama-3.1-8b-instruct/endpoints", Stack.key());
        assertThat(endpoints.statusCode()).isEqualTo(200);
        Specs.assertResponse(Specs.OPENROUTER, "/models/{author}/{slug}/endpoints", "get", "200", endpoints.body());
        Specs.assertResponse(
                Specs.OPENROUTER,
                "/providers",
                "get",
                "200",
                Stack.get("/providers", Stack.key()).body());
        Specs.assertResponse(
                Specs.OPENROUTER,
                "/key",
                "get",
                "200",
                Stack.get("/key", Stack.key()).body());
        String mgmt = Stack.get("SWITCHBOARD_MANAGEMENT_KEY");
        Specs.assertResponse(
                Specs.OPENROUTER,
                "/credits",
                "get",
                "200",
                Stack.get("/credits", mgmt).body());
        Specs.assertResponse(
                Specs.OPENROUTER,
                "/keys",
                "get",
                "200",
                Stack.get("/keys", mgmt).body());

        HttpResponse<String> chat = Stack.postChat(Stack.key(), CHAT + "}");
        String id = chat.headers().firstValue("X-Generation-Id").orElseThrow();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> Stack.get("/generation?id=" + id, Stack.key()).statusCode() == 200);
        Specs.assertComponent(
                Specs.OPENROUTER,
                "GenerationResponse",
                Stack.get("/generation?id=" + id, Stack.key()).body());
        JsonNode generation =
                Stack.json(Stack.get("/generation?id=" + id, Stack.key()).body());
        assertThat(generation.at("/data/total_cost").isNumber()).isTrue();
    }
}
