package dev.switchboard.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class CohereFamilyTest extends SimulatorHarness {

    static final String ASK =
            "\"model\":\"command-a-03-2025\",\"messages\":[{\"role\":\"user\",\"content\":\"Weather in Paris?\"}]";
    static final String TOOLS = """
            "tools":[
              {"type":"function","function":{"name":"get_weather","parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}},
              {"type":"function","function":{"name":"get_time","parameters":{"type":"object","properties":{"zone":{"type":"string"}}}}}]""";

    static HttpResponse<String> chat(String body) throws Exception {
        return post("/cohere/v2/chat", body, "Authorization", bearer("cohere"));
    }

    @Test
    void nonStreamingChat() throws Exception {
        JsonNode body = json(chat("{" + ASK + "}").body());
        assertThat(body.path("id").asText()).isNotBlank();
        assertThat(body.path("finish_reason").asText()).isEqualTo("COMPLETE");
        assertThat(body.at("/message/role").asText()).isEqualTo("assistant");
        assertThat(body.at("/message/content/0/type").asText()).isEqualTo("text");
        assertThat(body.at("/message/content/0/text").asText()).isNotBlank();
        assertThat(body.at("/usage/billed_units/input_tokens").asInt()).isPositive();
        assertThat(body.at("/usage/tokens/output_tokens").asInt()).isPositive();
        assertThat(json(chat("{" + ASK + ",\"max_tokens\":2}").body())
                        .path("finish_reason")
                        .asText())
                .isEqualTo("MAX_TOKENS");
    }

    @Test
    void streamsTypedEvents() throws Exception {
        simulator.behave("cohere", quick(3));
        List<Event> events = events(chat("{" + ASK + ",\"stream\":true}").body());
        assertThat(events)
                .extracting(Event::type)
                .containsExactly(
                        "message-start",
                        "content-start",
                        "content-delta",
                        "content-delta",
                        "content-delta",
                        "content-end",
                        "message-end");
        events.forEach(e -> assertThat(e.data().path("type").asText()).isEqualTo(e.type()));
        StringBuilder text = new StringBuilder();
        events.stream()
                .filter(e -> e.type().equals("content-delta"))
                .forEach(e ->
                        text.append(e.data().at("/delta/message/content/text").asText()));
        assertThat(text.toString())
                .isEqualTo(json(chat("{" + ASK + "}").body())
                        .at("/message/content/0/text")
                        .asText());
        assertThat(events.getLast().data().at("/delta/finish_reason").asText()).isEqualTo("COMPLETE");
        assertThat(events.getLast()
                        .data()
                        .at("/delta/usage/billed_units/output_tokens")
                        .asInt())
                .isPositive();
    }

    @Test
    void streamsAToolPlanThenToolCallsInFragments() throws Exception {
        simulator.behave("cohere", quick(3));
        List<Event> events =
                events(chat("{" + ASK + "," + TOOLS + ",\"stream\":true}").body());
        assertThat(events.get(1).type()).isEqualTo("tool-plan-delta");
        List<String> names = new ArrayList<>();
        List<StringBuilder> arguments = new ArrayList<>();
        List<Integer> fragments = new ArrayList<>();
        for (Event e : events) {
            JsonNode call = e.data().at("/delta/message/tool_calls");
            switch (e.type()) {
                case "tool-call-start" -> {
                    names.add(call.at("/function/name").asText());
                    assertThat(call.path("id").asText())
                            .startsWith(call.at("/function/name").asText() + "_");
                    arguments.add(new StringBuilder());
                    fragments.add(0);
                }
                case "tool-call-delta" -> {
                    int index = e.data().path("index").asInt();
                    arguments.get(index).append(call.at("/function/arguments").asText());
                    fragments.set(index, fragments.get(index) + 1);
                }
                default -> {}
            }
        }
        assertThat(names).containsExactly("get_weather", "get_time");
        assertThat(fragments).allSatisfy(n -> assertThat(n).isGreaterThanOrEqualTo(3));
        assertThat(json(arguments.get(0).toString())).isEqualTo(json("{\"city\":\"switchboard\"}"));
        assertThat(events.getLast().data().at("/delta/finish_reason").asText()).isEqualTo("TOOL_CALL");

        JsonNode whole = json(chat("{" + ASK + "," + TOOLS + "}").body());
        assertThat(whole.at("/message/tool_plan").asText()).isEqualTo("I will call get_weather and get_time.");
        assertThat(whole.at("/message/tool_calls")).hasSize(2);
        assertThat(json(chat("{" + ASK + "," + TOOLS + ",\"tool_choice\":\"NONE\"}")
                                .body())
                        .path("finish_reason")
                        .asText())
                .isEqualTo("COMPLETE");
    }

    @Test
    void answersToolResultsAndThinks() throws Exception {
        JsonNode answer = json(chat("""
                {"model":"command-a-03-2025","messages":[{"role":"user","content":"Weather?"},
                 {"role":"assistant","tool_plan":"I will call get_weather.","tool_calls":[{"id":"get_weather_1","type":"function","function":{"name":"get_weather","arguments":"{}"}}]},
                 {"role":"tool","tool_call_id":"get_weather_1","content":[{"type":"document","document":{"data":"{\\"temp\\":21}"}}]}]}""").body());
        assertThat(answer.at("/message/content/0/text").asText()).startsWith("Tool result: {\"temp\":21} ");

        JsonNode thinking = json(chat("{" + ASK + ",\"thinking\":{\"type\":\"enabled\",\"token_budget\":500}}")
                .body());
        assertThat(thinking.at("/message/content/0/type").asText()).isEqualTo("thinking");
        assertThat(thinking.at("/message/content/0/thinking").asText()).isNotBlank();
        assertThat(thinking.at("/message/content/1/type").asText()).isEqualTo("text");
        simulator.behave("cohere", quick(2));
        List<Event> events = events(chat("{" + ASK + ",\"thinking\":{\"type\":\"enabled\"},\"stream\":true}")
                .body());
        assertThat(events.get(1).data().at("/delta/message/content/type").asText())
                .isEqualTo("thinking");
    }

    @Test
    void embedAndAuth() throws Exception {
        JsonNode embed = json(post(
                        "/cohere/v2/embed",
                        "{\"model\":\"embed-v4.0\",\"texts\":[\"a\",\"b\"],\"input_type\":\"search_document\","
                                + "\"embedding_types\":[\"float\"],\"output_dimension\":256}",
                        "Authorization",
                        bearer("cohere"))
                .body());
        assertThat(embed.at("/embeddings/float")).hasSize(2);
        assertThat(embed.at("/embeddings/float/0")).hasSize(256);
        assertThat(embed.at("/meta/billed_units/input_tokens").asInt()).isPositive();
        assertThat(embed.path("texts")).hasSize(2);

        HttpResponse<String> wrong = post("/cohere/v2/chat", "{" + ASK + "}", "Authorization", "Bearer nope");
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(json(wrong.body()).path("message").asText()).isNotBlank();
        assertThat(json(wrong.body()).path("id").asText()).isNotBlank();
    }
}
