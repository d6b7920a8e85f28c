package dev.switchboard.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class GeminiFamilyTest extends SimulatorHarness {

    static final String KEY = ProviderSimulator.defaultCredential("google");
    static final String BASE = "/google/v1beta/models/";
    static final String ASK = "\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"Weather in Paris?\"}]}]";
    static final String TOOLS = """
            "tools":[{"functionDeclarations":[
              {"name":"get_weather","parameters":{"type":"OBJECT","properties":{"city":{"type":"STRING"},"days":{"type":"INTEGER"}},"required":["city","days"]}},
              {"name":"get_time","parametersJsonSchema":{"type":"object","properties":{"zone":{"type":"string"}}}}]}]""";

    static HttpResponse<String> call(String modelAndMethod, String body) throws Exception {
        return post(BASE + modelAndMethod, body, "x-goog-api-key", KEY);
    }

    @Test
    void generateContent() throws Exception {
        HttpResponse<String> response = call("gemini-2.5-flash:generateContent", "{" + ASK + "}");
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = json(response.body());
        assertThat(body.at("/candidates/0/content/role").asText()).isEqualTo("model");
        assertThat(body.at("/candidates/0/content/parts/0/text").asText()).isNotBlank();
        assertThat(body.at("/candidates/0/finishReason").asText()).isEqualTo("STOP");
        assertThat(body.at("/usageMetadata/promptTokenCount").asInt()).isPositive();
        assertThat(body.at("/usageMetadata/totalTokenCount").asInt())
                .isEqualTo(body.at("/usageMetadata/promptTokenCount").asInt()
                        + body.at("/usageMetadata/candidatesTokenCount").asInt());
        assertThat(body.path("modelVersion").asText()).isEqualTo("gemini-2.5-flash");
        assertThat(body.path("responseId").asText()).isNotBlank();

        JsonNode capped = json(
                call("gemini-2.5-flash:generateContent", "{" + ASK + ",\"generationConfig\":{\"maxOutputTokens\":2}}")
                        .body());
        assertThat(capped.at("/candidates/0/finishReason").asText()).isEqualTo("MAX_TOKENS");
    }

    @Test
    void streamsSseWithCrlfAndTheFinishOnTheLastChunk() throws Exception {
        simulator.behave("google", quick(4));
        HttpResponse<String> response = call("gemini-2.5-flash:streamGenerateContent?alt=sse", "{" + ASK + "}");
        assertThat(response.headers().firstValue("content-type")).hasValue("text/event-stream");
        String body = response.body();
        String[] events = body.split("\r\n\r\n");
        assertThat(body).endsWith("\r\n\r\n").doesNotContain("[DONE]");
        assertThat(events).hasSize(5).allSatisfy(e -> assertThat(e).startsWith("data: "));
        List<JsonNode> chunks =
                Arrays.stream(events).map(e -> json(e.substring(6))).toList();
        StringBuilder text = new StringBuilder();
        chunks.forEach(
                c -> text.append(c.at("/candidates/0/content/parts/0/text").asText()));
        chunks.subList(0, 4).forEach(c -> {
            assertThat(c.at("/candidates/0").has("finishReason")).isFalse();
            assertThat(c.has("usageMetadata")).isFalse();
        });
        assertThat(chunks.getLast().at("/candidates/0/finishReason").asText()).isEqualTo("STOP");
        assertThat(chunks.getLast().at("/usageMetadata/candidatesTokenCount").asInt())
                .isPositive();
        assertThat(text.toString())
                .isEqualTo(json(call("gemini-2.5-flash:generateContent", "{" + ASK + "}")
                                .body())
                        .at("/candidates/0/content/parts/0/text")
                        .asText());
    }

    @Test
    void streamsAJsonArrayWithoutAltSse() throws Exception {
        simulator.behave("google", quick(3));
        HttpResponse<String> response = call("gemini-2.0-flash:streamGenerateContent", "{" + ASK + "}");
        assertThat(response.headers().firstValue("content-type").orElse("")).startsWith("application/json");
        assertThat(response.body()).startsWith("[{").endsWith("}]").contains("\r\n,\r\n");
        JsonNode array = json(response.body());
        assertThat(array).hasSize(4);
        assertThat(array.get(3).at("/candidates/0/finishReason").asText()).isEqualTo("STOP");
    }

    @Test
    void keyInHeaderOrQueryAndNothingElse() throws Exception {
        assertThat(post(BASE + "gemini-2.0-flash:generateContent?key=" + KEY, "{" + ASK + "}")
                        .statusCode())
                .isEqualTo(200);
        HttpResponse<String> wrong =
                post(BASE + "gemini-2.0-flash:generateContent", "{" + ASK + "}", "x-goog-api-key", "caller-key");
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(json(wrong.body()).at("/error/status").asText()).isEqualTo("UNAUTHENTICATED");
        assertThat(json(wrong.body()).at("/error/code").asInt()).isEqualTo(401);
        assertThat(post(BASE + "gemini-2.0-flash:generateContent", "{" + ASK + "}", "Authorization", "Bearer " + KEY)
                        .statusCode())
                .isEqualTo(401);
        assertThat(simulator.credentialFingerprints("google"))
                .contains(ProviderSimulator.fingerprint("caller-key"), ProviderSimulator.fingerprint(KEY));
    }

    @Test
    void functionCallsArriveWholeAndSignedFor25Models() throws Exception {
        simulator.behave("google", quick(3));
        String body = call("gemini-2.5-flash:streamGenerateContent?alt=sse", "{" + ASK + "," + TOOLS + "}")
                .body();
        List<JsonNode> parts = new ArrayList<>();
        for (String event : body.split("\r\n\r\n")) {
            json(event.substring(6)).at("/candidates/0/content/parts").forEach(parts::add);
        }
        List<JsonNode> calls = parts.stream().filter(p -> p.has("functionCall")).toList();
        assertThat(calls).hasSize(2);
        assertThat(calls.get(0).at("/functionCall/name").asText()).isEqualTo("get_weather");
        assertThat(calls.get(0).at("/functionCall/args")).isEqualTo(json("{\"city\":\"switchboard\",\"days\":42}"));
        assertThat(calls.get(0).at("/functionCall/id").asText()).isNotBlank();
        assertThat(calls.get(0).path("thoughtSignature").asText()).isNotBlank();
        assertThat(calls.get(1).has("thoughtSignature")).isFalse();
        assertThat(calls.get(1).at("/functionCall/args")).isEqualTo(json("{\"zone\":\"switchboard\"}"));

        JsonNode unsigned = json(call("gemini-2.0-flash:generateContent", "{" + ASK + "," + TOOLS + "}")
                .body());
        assertThat(unsigned.at("/candidates/0/content/parts/0").has("thoughtSignature"))
                .isFalse();
        JsonNode forced = json(call(
                        "gemini-2.0-flash:generateContent",
                        "{" + ASK + "," + TOOLS
                                + ",\"toolConfig\":{\"functionCallingConfig\":{\"mode\":\"ANY\",\"allowedFunctionNames\":[\"get_time\"]}}}")
                .body());
        assertThat(forced.at("/candidates/0/content/parts")).hasSize(1);
        assertThat(forced.at("/candidates/0/content/parts/0/functionCall/name").asText())
                .isEqualTo("get_time");
    }

    @Test
    void thoughtSignaturesMustComeBack() throws Exception {
        JsonNode first = json(call("gemini-2.5-flash:generateContent", "{" + ASK + "," + TOOLS + "}")
                .body());
        ArrayNode modelParts = (ArrayNode) first.at("/candidates/0/content/parts");

        HttpResponse<String> ok = followUp(modelParts);
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(json(ok.body()).at("/candidates/0/content/parts/0/text").asText())
                .startsWith("Tool result: {\"temp\":21}");

        ArrayNode stripped = modelParts.deepCopy();
        ((ObjectNode) stripped.get(0)).remove("thoughtSignature");
        HttpResponse<String> missing = followUp(stripped);
        assertThat(missing.statusCode()).isEqualTo(400);
        assertThat(json(missing.body()).at("/error/status").asText()).isEqualTo("INVALID_ARGUMENT");
        assertThat(json(missing.body()).at("/error/message").asText())
                .startsWith("Function call is missing a thought_signature in functionCall parts");

        ArrayNode forged = modelParts.deepCopy();
        ((ObjectNode) forged.get(0).path("functionCall")).set("args", json("{\"city\":\"Lyon\",\"days\":42}"));
        assertThat(followUp(forged).statusCode()).isEqualTo(400);

        // a key order change is not a forgery
        ArrayNode reordered = modelParts.deepCopy();
        ((ObjectNode) reordered.get(0).path("functionCall"))
                .set("args", json("{\"days\":42,\"city\":\"switchboard\"}"));
        assertThat(followUp(reordered).statusCode()).isEqualTo(200);
    }

    private static HttpResponse<String> followUp(ArrayNode modelParts) throws Exception {
        ObjectNode body = JSON.createObjectNode();
        ArrayNode contents = body.putArray("contents");
        contents.add(json("{\"role\":\"user\",\"parts\":[{\"text\":\"Weather in Paris?\"}]}"));
        contents.addObject().put("role", "model").set("parts", modelParts);
        ArrayNode results = contents.addObject().put("role", "user").putArray("parts");
        for (JsonNode part : modelParts) {
            results.addObject()
                    .putObject("functionResponse")
                    .put("name", part.at("/functionCall/name").asText())
                    .set("response", json("{\"temp\":21}"));
        }
        body.setAll((ObjectNode) json("{" + TOOLS + "}"));
        return call("gemini-2.5-flash:generateContent", body.toString());
    }

    @Test
    void includeThoughtsGivesThoughtParts() throws Exception {
        JsonNode body = json(call(
                        "gemini-2.5-flash:generateContent",
                        "{" + ASK + ",\"generationConfig\":{\"thinkingConfig\":{\"includeThoughts\":true}}}")
                .body());
        assertThat(body.at("/candidates/0/content/parts/0/thought").asBoolean()).isTrue();
        assertThat(body.at("/candidates/0/content/parts/1").has("thought")).isFalse();
        assertThat(body.at("/usageMetadata/thoughtsTokenCount").asInt()).isPositive();
    }

    @Test
    void embeddings() throws Exception {
        JsonNode one = json(call(
                        "gemini-embedding-001:embedContent",
                        "{\"content\":{\"parts\":[{\"text\":\"hello\"}]},\"outputDimensionality\":8}")
                .body());
        assertThat(one.at("/embedding/values")).hasSize(8);
        JsonNode batch =
                json(call("gemini-embedding-001:batchEmbedContents", """
                {"requests":[{"model":"models/gemini-embedding-001","content":{"parts":[{"text":"hello"}]},"outputDimensionality":8},
                             {"model":"models/gemini-embedding-001","content":{"parts":[{"text":"world"}]}}]}""").body());
        assertThat(batch.path("embeddings")).hasSize(2);
        assertThat(batch.at("/embeddings/0/values")).isEqualTo(one.at("/embedding/values"));
        assertThat(batch.at("/embeddings/1/values")).hasSize(3072);
    }
}
