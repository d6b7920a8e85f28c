package dev.switchboard.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class AnthropicFamilyTest extends SimulatorHarness {

    static final String PATH = "/anthropic/v1/messages";
    static final String KEY = ProviderSimulator.defaultCredential("anthropic");
    static final String TOOLS = """
            "tools":[
              {"name":"get_weather","input_schema":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}},
              {"name":"get_time","input_schema":{"type":"object","properties":{"zone":{"type":"string"},"utc":{"type":"boolean"}}}}
            ]""";

    static HttpResponse<String> messages(String body) throws Exception {
        return post(PATH, body, "x-api-key", KEY, "anthropic-version", "2023-06-01");
    }

    static String ask(String extra) {
        return "{\"model\":\"claude-sonnet-4\",\"max_tokens\":1024,\"messages\":[{\"role\":\"user\",\"content\":\"Weather in Paris?\"}]"
                + extra + "}";
    }

    @Test
    void nonStreamingMessage() throws Exception {
        HttpResponse<String> response = messages(ask(""));
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = json(response.body());
        assertThat(body.path("type").asText()).isEqualTo("message");
        assertThat(body.path("id").asText()).startsWith("msg_");
        assertThat(body.at("/content/0/type").asText()).isEqualTo("text");
        assertThat(body.at("/content/0/text").asText()).isNotBlank();
        assertThat(body.path("stop_reason").asText()).isEqualTo("end_turn");
        assertThat(body.at("/usage/input_tokens").asInt()).isPositive();
        assertThat(body.at("/usage/output_tokens").asInt()).isPositive();
        assertThat(body.at("/usage/cache_read_input_tokens").isInt()).isTrue();

        JsonNode capped = json(messages(ask("").replace("1024", "3")).body());
        assertThat(capped.path("stop_reason").asText()).isEqualTo("max_tokens");
    }

    @Test
    void streamsTheNamedEventSequence() throws Exception {
        simulator.behave("anthropic", quick(5));
        HttpResponse<String> response = messages(ask(",\"stream\":true"));
        assertThat(response.headers().firstValue("content-type")).hasValue("text/event-stream; charset=utf-8");
        List<Event> events = events(response.body());
        assertThat(events)
                .extracting(Event::type)
                .containsExactly(
                        "message_start",
                        "ping",
                        "content_block_start",
                        "content_block_delta",
                        "content_block_delta",
                        "content_block_delta",
                        "content_block_delta",
                        "content_block_delta",
                        "content_block_stop",
                        "message_delta",
                        "message_stop");
        events.forEach(e -> assertThat(e.data().path("type").asText()).isEqualTo(e.type()));
        assertThat(events.getFirst().data().at("/message/usage/input_tokens").asInt())
                .isPositive();
        JsonNode delta = events.get(events.size() - 2).data();
        assertThat(delta.at("/delta/stop_reason").asText()).isEqualTo("end_turn");
        assertThat(delta.at("/delta/stop_sequence").isNull()).isTrue();
        assertThat(delta.at("/usage/output_tokens").asInt()).isPositive();
        StringBuilder text = new StringBuilder();
        events.stream().filter(e -> e.type().equals("content_block_delta")).forEach(e -> {
            assertThat(e.data().at("/delta/type").asText()).isEqualTo("text_delta");
            text.append(e.data().at("/delta/text").asText());
        });
        assertThat(text.toString())
                .isEqualTo(json(messages(ask("")).body()).at("/content/0/text").asText());
    }

    @Test
    void requiresVersionHeaderAndMaxTokens() throws Exception {
        HttpResponse<String> noVersion = post(PATH, ask(""), "x-api-key", KEY);
        assertThat(noVersion.statusCode()).isEqualTo(400);
        assertThat(json(noVersion.body()).at("/error/type").asText()).isEqualTo("invalid_request_error");
        assertThat(json(noVersion.body()).path("type").asText()).isEqualTo("error");
        HttpResponse<String> noMax = messages(ask("").replace("\"max_tokens\":1024,", ""));
        assertThat(noMax.statusCode()).isEqualTo(400);
        assertThat(json(noMax.body()).at("/error/message").asText()).contains("max_tokens");
    }

    @Test
    void streamsToolUseBlocksWithInputJsonFragments() throws Exception {
        simulator.behave("anthropic", quick(5));
        List<Event> events =
                events(messages(ask("," + TOOLS + ",\"stream\":true")).body());
        List<String> names = new ArrayList<>();
        List<StringBuilder> inputs = new ArrayList<>();
        List<Integer> fragments = new ArrayList<>();
        for (Event e : events) {
            if (e.type().equals("content_block_start")) {
                JsonNode block = e.data().path("content_block");
                assertThat(block.path("type").asText()).isEqualTo("tool_use");
                assertThat(block.path("id").asText()).matches("toolu_[A-Za-z0-9]{24}");
                names.add(block.path("name").asText());
                inputs.add(new StringBuilder());
                fragments.add(0);
            } else if (e.type().equals("content_block_delta")) {
                int index = e.data().path("index").asInt();
                assertThat(e.data().at("/delta/type").asText()).isEqualTo("input_json_delta");
                inputs.get(index).append(e.data().at("/delta/partial_json").asText());
                fragments.set(index, fragments.get(index) + 1);
            }
        }
        assertThat(names).containsExactly("get_weather", "get_time");
        assertThat(fragments).allSatisfy(n -> assertThat(n).isGreaterThanOrEqualTo(3));
        assertThat(json(inputs.get(0).toString())).isEqualTo(json("{\"city\":\"switchboard\"}"));
        assertThat(json(inputs.get(1).toString())).isEqualTo(json("{\"zone\":\"switchboard\",\"utc\":true}"));
        assertThat(events.get(events.size() - 2).data().at("/delta/stop_reason").asText())
                .isEqualTo("tool_use");

        JsonNode single = json(
                messages(ask("," + TOOLS + ",\"tool_choice\":{\"type\":\"auto\",\"disable_parallel_tool_use\":true}"))
                        .body());
        assertThat(single.path("content")).hasSize(1);
        assertThat(single.at("/content/0/input/city").asText()).isEqualTo("switchboard");
        JsonNode forced = json(messages(ask("," + TOOLS + ",\"tool_choice\":{\"type\":\"tool\",\"name\":\"get_time\"}"))
                .body());
        assertThat(forced.path("content")).hasSize(1);
        assertThat(forced.at("/content/0/name").asText()).isEqualTo("get_time");
    }

    @Test
    void answersToolResultsByQuotingThem() throws Exception {
        String body = """
                {"model":"claude-sonnet-4","max_tokens":100,%s,"messages":[
                 {"role":"user","content":"Weather in Paris?"},
                 {"role":"assistant","content":[{"type":"tool_use","id":"toolu_1","name":"get_weather","input":{"city":"Paris"}}]},
                 {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":[{"type":"text","text":"21 degrees and sunny"}]}]}]}""".formatted(TOOLS);
        JsonNode answer = json(messages(body).body());
        assertThat(answer.at("/content/0/text").asText()).startsWith("Tool result: 21 degrees and sunny ");
        assertThat(answer.path("stop_reason").asText()).isEqualTo("end_turn");
    }

    @Test
    void thinkingBlockWithSignatureComesFirstAndMustComeBack() throws Exception {
        simulator.behave("anthropic", quick(3));
        String thinking = ",\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":1024}";
        List<Event> events = events(
                messages(ask(thinking + "," + TOOLS + ",\"stream\":true")).body());
        assertThat(events.get(2).data().at("/content_block/type").asText()).isEqualTo("thinking");
        List<String> deltaTypes = events.stream()
                .filter(e -> e.type().equals("content_block_delta")
                        && e.data().path("index").asInt() == 0)
                .map(e -> e.data().at("/delta/type").asText())
                .toList();
        assertThat(deltaTypes.getLast()).isEqualTo("signature_delta");
        assertThat(deltaTypes.subList(0, deltaTypes.size() - 1))
                .isNotEmpty()
                .allSatisfy(t -> assertThat(t).isEqualTo("thinking_delta"));

        JsonNode first = json(messages(ask(thinking + "," + TOOLS)).body());
        assertThat(first.at("/content/0/type").asText()).isEqualTo("thinking");
        assertThat(first.at("/content/0/signature").asText()).isNotBlank();
        assertThat(first.at("/content/1/type").asText()).isEqualTo("tool_use");
        ArrayNode assistant = (ArrayNode) first.path("content");

        assertThat(followUp(thinking, assistant).statusCode()).isEqualTo(200);

        ArrayNode withoutThinking = assistant.deepCopy();
        withoutThinking.remove(0);
        HttpResponse<String> missing = followUp(thinking, withoutThinking);
        assertThat(missing.statusCode()).isEqualTo(400);
        assertThat(json(missing.body()).at("/error/type").asText()).isEqualTo("invalid_request_error");
        assertThat(json(missing.body()).at("/error/message").asText())
                .startsWith(
                        "messages.1.content.0.type: Expected `thinking` or `redacted_thinking`, but found `tool_use`");

        ArrayNode forged = assistant.deepCopy();
        ((ObjectNode) forged.get(0)).put("thinking", "I changed my mind.");
        HttpResponse<String> tampered = followUp(thinking, forged);
        assertThat(tampered.statusCode()).isEqualTo(400);
        assertThat(json(tampered.body()).at("/error/message").asText()).contains("Invalid `signature`");

        // without thinking enabled nothing is checked
        assertThat(followUp("", withoutThinking).statusCode()).isEqualTo(200);
    }

    private static HttpResponse<String> followUp(String thinking, ArrayNode assistantContent) throws Exception {
        ArrayNode messages = JSON.createArrayNode();
        messages.addObject().put("role", "user").put("content", "Weather in Paris?");
        messages.addObject().put("role", "assistant").set("content", assistantContent);
        ObjectNode result = messages.addObject().put("role", "user");
        for (JsonNode block : assistantContent) {
            if (block.path("type").asText().equals("tool_use")) {
                result.withArray("content")
                        .addObject()
                        .put("type", "tool_result")
                        .put("tool_use_id", block.path("id").asText())
                        .put("content", "sunny");
            }
        }
        ObjectNode body = (ObjectNode) json(ask(thinking + "," + TOOLS));
        body.set("messages", messages);
        return messages(body.toString());
    }

    @Test
    void refusesOtherCredentialsAndFingerprintsThem() throws Exception {
        HttpResponse<String> wrong =
                post(PATH, ask(""), "x-api-key", "sk-sb-v1-caller-key", "anthropic-version", "2023-06-01");
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(json(wrong.body()).at("/error/type").asText()).isEqualTo("authentication_error");
        HttpResponse<String> bearer =
                post(PATH, ask(""), "Authorization", "Bearer " + KEY, "anthropic-version", "2023-06-01");
        assertThat(bearer.statusCode()).isEqualTo(401);
        assertThat(simulator.unauthorized("anthropic")).isEqualTo(2);
        assertThat(simulator.credentialFingerprints("anthropic"))
                .containsExactlyInAnyOrder(
                        ProviderSimulator.fingerprint("sk-sb-v1-caller-key"), ProviderSimulator.fingerprint(KEY));
    }
}
