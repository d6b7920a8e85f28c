package dev.switchboard.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.catalog.Catalog;
import dev.switchboard.catalog.CatalogLoader;
import dev.switchboard.catalog.ModelSpec;
import dev.switchboard.catalog.ProviderSpec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every catalog provider, through the whole stack against the simulator in its own wire family:
 * a plain answer and a tool-call round trip (call, tool result, final answer), streaming and not.
 * Reasoning models run the round trip with reasoning on, so a signature lost on the way out or back
 * fails it (the simulator refuses Anthropic, Bedrock and Gemini turns whose signatures went missing).
 * Last, the simulator's record shows each provider received its own credential and nothing else.
 */
@Order(11)
class ProvidersE2eTest {

    private static final Catalog CATALOG = CatalogLoader.builtIn();
    private static final String TOOLS = """
            [{"type":"function","function":{"name":"get_weather","description":"Weather in a city",
              "parameters":{"type":"object","properties":{"city":{"type":"string"},"unit":{"type":"string","enum":["celsius","fahrenheit"]}},
                            "required":["city","unit"]}}},
             {"type":"function","function":{"name":"get_time","description":"Local time in a city",
              "parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}}]""";

    @BeforeAll
    static void reset() {
        Stack.simulator("DELETE", "/_sim/providers", null);
        // earlier classes' outages may still mark a provider down for a probe round or two: every
        // provider must be routable before its cases start
        for (ProviderSpec provider : CATALOG.providers()) {
            String hello =
                    "{\"model\":\"" + anyModel(provider) + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
                            + "\"provider\":{\"only\":[\"" + provider.name() + "\"]}}";
            org.awaitility.Awaitility.await()
                    .atMost(java.time.Duration.ofSeconds(60))
                    .pollInterval(java.time.Duration.ofMillis(500))
                    .until(() -> Stack.postChat(Stack.key(), hello).statusCode() == 200);
        }
    }

    /** Each provider with the first chat model it serves, then the reasoning models with reasoning on. */
    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        for (ProviderSpec provider : CATALOG.providers()) {
            CATALOG.models().stream()
                    .filter(m -> ModelSpec.CHAT.equals(m.kind()))
                    .filter(m ->
                            m.endpoints().stream().anyMatch(e -> e.provider().equals(provider.name())))
                    .findFirst()
                    .ifPresent(m -> cases.add(Arguments.of(provider.name(), m.id(), false)));
        }
        for (ModelSpec model : CATALOG.models()) {
            if (model.supportedParameters().contains("reasoning")) {
                model.endpoints().forEach(e -> cases.add(Arguments.of(e.provider(), model.id(), true)));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {1} reasoning={2}")
    @MethodSource("cases")
    void answersAndCompletesAToolRoundTripStreamingAndNot(String provider, String model, boolean reasoning) {
        for (boolean stream : new boolean[] {false, true}) {
            ObjectNode plain = request(provider, model, reasoning, stream);
            plain.putArray("messages").addObject().put("role", "user").put("content", "Say hello");
            Answer hello = send(plain, stream);
            assertThat(hello.provider()).as("served by").isEqualTo(provider);
            assertThat(hello.content()).as("%s answer", provider).isNotBlank();
            if (!CATALOG.model(model).orElseThrow().supportedParameters().contains("tools")) {
                continue; // a model that takes no tools is never offered a request with tools (RoutePlanner)
            }

            ObjectNode ask = request(provider, model, reasoning, stream);
            ArrayNode messages = ask.putArray("messages");
            messages.addObject().put("role", "user").put("content", "What is the weather and the time in Paris?");
            ask.set("tools", Stack.json(TOOLS));
            Answer call = send(ask, stream);
            assertThat(call.finishReason()).as("%s stream=%s", provider, stream).isEqualTo("tool_calls");
            assertThat(call.toolCalls()).as("tool calls").isNotEmpty();
            for (JsonNode toolCall : call.toolCalls()) {
                JsonNode arguments =
                        Stack.json(toolCall.at("/function/arguments").asText());
                assertThat(arguments.isObject())
                        .as("arguments are a JSON object: %s", toolCall)
                        .isTrue();
                assertThat(toolCall.path("id").asText()).isNotBlank();
            }
            assertThat(call.toolCalls().get(0).at("/function/name").asText()).isEqualTo("get_weather");
            assertThat(Stack.json(call.toolCalls()
                                    .get(0)
                                    .at("/function/arguments")
                                    .asText())
                            .path("unit")
                            .asText())
                    .isEqualTo("celsius");

            ObjectNode assistant = messages.addObject().put("role", "assistant");
            assistant.putNull("content");
            ArrayNode calls = assistant.putArray("tool_calls");
            call.toolCalls().forEach(calls::add);
            if (call.reasoningDetails() != null) {
                assistant.set("reasoning_details", call.reasoningDetails());
            }
            if (reasoning) {
                assertThat(call.reasoningDetails())
                        .as("%s returns its reasoning for the round trip", provider)
                        .isNotNull();
            }
            for (JsonNode toolCall : call.toolCalls()) {
                messages.addObject()
                        .put("role", "tool")
                        .put("tool_call_id", toolCall.path("id").asText())
                        .put("content", "{\"result\":\"sunny, 21 degrees\"}");
            }
            Answer answer = send(ask, stream);
            assertThat(answer.content())
                    .as("%s final answer, stream=%s", provider, stream)
                    .startsWith("Tool result: ");
            assertThat(answer.content()).contains("sunny, 21 degrees");
            assertThat(answer.finishReason()).isEqualTo("stop");
        }
    }

    @Test
    @Order(Integer.MAX_VALUE)
    void eachProviderReceivedOnlyItsOwnCredential() throws Exception {
        for (ProviderSpec provider : CATALOG.providers()) {
            Stack.postChat(
                    Stack.key(),
                    "{\"model\":\"" + anyModel(provider) + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
                            + "\"provider\":{\"only\":[\"" + provider.name() + "\"]}}");
        }
        HttpResponse<String> stats = Stack.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + Stack.getOr("SIM_PORT", "8090") + "/_sim/stats"))
                .build());
        JsonNode providers = Stack.json(stats.body()).path("providers");
        String switchboardKey = fingerprint(Stack.key());
        for (ProviderSpec provider : CATALOG.providers()) {
            JsonNode seen = providers.path(provider.name());
            assertThat(seen.path("requests").asLong())
                    .as("%s was called", provider.name())
                    .isPositive();
            assertThat(seen.path("unauthorized").asLong())
                    .as("%s refused nothing", provider.name())
                    .isZero();
            List<String> fingerprints = new ArrayList<>();
            seen.path("credential_fingerprints").forEach(f -> fingerprints.add(f.asText()));
            String own = "sim-" + provider.name() + ("bedrock-converse".equals(provider.family()) ? "-akid" : "-key");
            assertThat(fingerprints)
                    .as("%s saw only its own credential", provider.name())
                    .containsExactly(fingerprint(own));
            assertThat(fingerprints).doesNotContain(switchboardKey);
        }
    }

    private static String anyModel(ProviderSpec provider) {
        return CATALOG.models().stream()
                .filter(m -> ModelSpec.CHAT.equals(m.kind()))
                .filter(m -> m.endpoints().stream().anyMatch(e -> e.provider().equals(provider.name())))
                .findFirst()
                .orElseThrow()
                .id();
    }

    private static String fingerprint(String value) throws Exception {
        byte[] hash = MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(hash).substring(0, 16);
    }

    private static ObjectNode request(String provider, String model, boolean reasoning, boolean stream) {
        ObjectNode body = Stack.JSON
                .createObjectNode()
                .put("model", model)
                .put("stream", stream)
                .put("max_tokens", 4096);
        body.putObject("provider").putArray("only").add(provider);
        if (reasoning) {
            body.putObject("reasoning").put("max_tokens", 1024);
        }
        return body;
    }

    private record Answer(
            String provider,
            String content,
            String finishReason,
            List<JsonNode> toolCalls,
            ArrayNode reasoningDetails) {}

    private static Answer send(ObjectNode body, boolean stream) {
        HttpResponse<String> response = Stack.postChat(Stack.key(), body.toString());
        assertThat(response.statusCode())
                .as("%s: %s", body.path("provider"), response.body())
                .isEqualTo(200);
        if (!stream) {
            JsonNode json = Stack.json(response.body());
            JsonNode message = json.at("/choices/0/message");
            List<JsonNode> calls = new ArrayList<>();
            message.path("tool_calls").forEach(calls::add);
            return new Answer(
                    json.path("provider").asText(),
                    message.path("content").asText(""),
                    json.at("/choices/0/finish_reason").asText(),
                    calls,
                    message.path("reasoning_details").isArray() ? (ArrayNode) message.path("reasoning_details") : null);
        }
        StringBuilder content = new StringBuilder();
        String provider = null;
        String finish = null;
        Map<Integer, ObjectNode> calls = new TreeMap<>();
        Map<Integer, ObjectNode> details = new TreeMap<>();
        boolean done = false;
        for (String line : response.body().split("\n")) {
            if (!line.startsWith("data: ")) {
                continue;
            }
            String data = line.substring(6);
            if ("[DONE]".equals(data)) {
                done = true;
                continue;
            }
            JsonNode chunk = Stack.json(data);
            assertThat(chunk.has("error")).as("stream error: %s", data).isFalse();
            provider = chunk.path("provider").asText(provider);
            JsonNode choice = chunk.path("choices").path(0);
            JsonNode delta = choice.path("delta");
            content.append(delta.path("content").asText(""));
            if (choice.hasNonNull("finish_reason")) {
                finish = choice.path("finish_reason").asText();
            }
            for (JsonNode call : delta.path("tool_calls")) {
                ObjectNode merged = calls.computeIfAbsent(call.path("index").asInt(), i -> {
                    ObjectNode c = Stack.JSON.createObjectNode().put("type", "function");
                    c.putObject("function").put("name", "").put("arguments", "");
                    return c;
                });
                if (call.hasNonNull("id")) {
                    merged.put("id", call.path("id").asText());
                }
                ObjectNode function = (ObjectNode) merged.get("function");
                function.put(
                        "name",
                        function.path("name").asText()
                                + call.at("/function/name").asText(""));
                function.put(
                        "arguments",
                        function.path("arguments").asText()
                                + call.at("/function/arguments").asText(""));
            }
            // OpenRouter's convention: entries with the same index belong together, texts concatenate
            for (JsonNode entry : delta.path("reasoning_details")) {
                ObjectNode merged =
                        details.computeIfAbsent(entry.path("index").asInt(), i -> Stack.JSON.createObjectNode());
                entry.properties().forEach(f -> {
                    if ("text".equals(f.getKey()) && merged.has("text")) {
                        merged.put(
                                "text",
                                merged.path("text").asText() + f.getValue().asText());
                    } else {
                        merged.set(f.getKey(), f.getValue());
                    }
                });
            }
        }
        assertThat(done).as("stream ends with [DONE]").isTrue();
        ArrayNode reasoning = null;
        if (!details.isEmpty()) {
            reasoning = Stack.JSON.createArrayNode();
            details.values().forEach(reasoning::add);
        }
        return new Answer(provider, content.toString(), finish, List.copyOf(calls.values()), reasoning);
    }
}
