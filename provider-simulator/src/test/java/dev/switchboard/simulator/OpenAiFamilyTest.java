package dev.switchboard.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class OpenAiFamilyTest extends SimulatorHarness {

    static final String TOOLS = """
            "tools":[
              {"type":"function","function":{"name":"get_weather","parameters":{"type":"object",
                "properties":{"location":{"type":"string"},"unit":{"type":"string","enum":["celsius","fahrenheit"]},"days":{"type":"integer"}},
                "required":["location","unit","days"]}}},
              {"type":"function","function":{"name":"get_time","parameters":{"type":"object",
                "properties":{"zone":{"type":"string"},"precise":{"type":"boolean"},"offset":{"type":"number"},"tags":{"type":"array"},"extra":{"type":"object"}}}}}
            ]""";
    static final String ASK = "\"messages\":[{\"role\":\"user\",\"content\":\"Weather and time in Paris?\"}]";

    private static HttpResponse<String> chat(String provider, String path, String body) throws Exception {
        return post("/" + provider + path, body, "Authorization", bearer(provider));
    }

    @Test
    void streamsTwoToolCallsInFragmentsThatConcatenateToJson() throws Exception {
        simulator.behave("groq", quick(5));
        HttpResponse<String> response = chat(
                "groq",
                "/openai/v1/chat/completions",
                "{\"model\":\"llama-3.3-70b\"," + ASK + "," + TOOLS + ",\"stream\":true}");
        assertThat(response.statusCode()).isEqualTo(200);
        List<String> data = dataLines(response.body());
        assertThat(data.getLast()).isEqualTo("[DONE]");
        List<StringBuilder> arguments = List.of(new StringBuilder(), new StringBuilder());
        int[] fragments = new int[2];
        List<String> ids = new ArrayList<>();
        List<String> names = new ArrayList<>();
        String finish = null;
        for (String d : data.subList(0, data.size() - 1)) {
            JsonNode choice = json(d).at("/choices/0");
            if (choice.path("finish_reason").isTextual()) {
                finish = choice.path("finish_reason").asText();
            }
            for (JsonNode call : choice.path("delta").path("tool_calls")) {
                int index = call.path("index").asInt();
                if (call.has("id")) {
                    ids.add(call.path("id").asText());
                    names.add(call.at("/function/name").asText());
                    assertThat(call.at("/function/arguments").asText()).isEmpty();
                } else {
                    assertThat(call.has("type")).isFalse();
                    assertThat(call.path("function").has("name")).isFalse();
                    arguments.get(index).append(call.at("/function/arguments").asText());
                    fragments[index]++;
                }
            }
        }
        assertThat(finish).isEqualTo("tool_calls");
        assertThat(names).containsExactly("get_weather", "get_time");
        assertThat(ids).allSatisfy(id -> assertThat(id).matches("call_[A-Za-z0-9]{24}"));
        assertThat(fragments[0]).isGreaterThanOrEqualTo(3);
        assertThat(fragments[1]).isGreaterThanOrEqualTo(3);
        assertThat(json(arguments.get(0).toString()))
                .isEqualTo(json("{\"location\":\"switchboard\",\"unit\":\"celsius\",\"days\":42}"));
        assertThat(json(arguments.get(1).toString()))
                .isEqualTo(json("{\"zone\":\"switchboard\",\"precise\":true,\"offset\":4.2,\"tags\":[],\"extra\":{}}"));
    }

    @Test
    void nonStreamingToolCallsAndChoices() throws Exception {
        JsonNode both = json(chat("openai", "/v1/chat/completions", "{\"model\":\"gpt-4o\"," + ASK + "," + TOOLS + "}")
                .body());
        assertThat(both.at("/choices/0/finish_reason").asText()).isEqualTo("tool_calls");
        assertThat(both.at("/choices/0/message/content").isNull()).isTrue();
        assertThat(both.at("/choices/0/message/tool_calls")).hasSize(2);
        assertThat(json(both.at("/choices/0/message/tool_calls/0/function/arguments")
                                .asText())
                        .path("days")
                        .asInt())
                .isEqualTo(42);

        JsonNode single = json(chat(
                        "openai",
                        "/v1/chat/completions",
                        "{\"model\":\"gpt-4o\"," + ASK + "," + TOOLS + ",\"parallel_tool_calls\":false}")
                .body());
        assertThat(single.at("/choices/0/message/tool_calls")).hasSize(1);

        JsonNode forced = json(chat(
                        "openai",
                        "/v1/chat/completions",
                        "{\"model\":\"gpt-4o\"," + ASK + "," + TOOLS
                                + ",\"tool_choice\":{\"type\":\"function\",\"function\":{\"name\":\"get_time\"}}}")
                .body());
        assertThat(forced.at("/choices/0/message/tool_calls")).hasSize(1);
        assertThat(forced.at("/choices/0/message/tool_calls/0/function/name").asText())
                .isEqualTo("get_time");

        JsonNode none = json(chat(
                        "openai",
                        "/v1/chat/completions",
                        "{\"model\":\"gpt-4o\"," + ASK + "," + TOOLS + ",\"tool_choice\":\"none\"}")
                .body());
        assertThat(none.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
        assertThat(none.at("/choices/0/message/content").asText()).isNotBlank();
    }

    @Test
    void answersToolResultsByQuotingThem() throws Exception {
        String body = """
                {"model":"gpt-4o","messages":[
                  {"role":"user","content":"Weather in Paris?"},
                  {"role":"assistant","content":null,"tool_calls":[{"id":"call_abc","type":"function","function":{"name":"get_weather","arguments":"{}"}}]},
                  {"role":"tool","tool_call_id":"call_abc","content":"{\\"temperature\\":21,\\"sky\\":\\"clear\\",\\"wind\\":\\"calm and pleasant all afternoon long\\"}"}
                ],%s}""".formatted(TOOLS);
        JsonNode answer = json(chat("openai", "/v1/chat/completions", body).body());
        String content = answer.at("/choices/0/message/content").asText();
        assertThat(content)
                .startsWith("Tool result: "
                        + "{\"temperature\":21,\"sky\":\"clear\",\"wind\":\"calm and pleasant all afternoon long\"}"
                                .substring(0, 60)
                        + " ");
        assertThat(answer.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
    }

    @Test
    void reasoningStreamsBeforeContentInTheProfilesField() throws Exception {
        simulator.behave("groq", quick(4));
        String groq = chat(
                        "groq",
                        "/openai/v1/chat/completions",
                        "{\"model\":\"qwen3-32b\"," + ASK
                                + ",\"reasoning_effort\":\"low\",\"stream\":true,\"stream_options\":{\"include_usage\":true}}")
                .body();
        assertReasoningFirst(groq, "reasoning");
        JsonNode usage = json(dataLines(groq).get(dataLines(groq).size() - 2)).path("usage");
        assertThat(usage.at("/completion_tokens_details/reasoning_tokens").asInt())
                .isPositive();

        simulator.behave("deepseek", quick(4));
        String deepseek = chat(
                        "deepseek",
                        "/chat/completions",
                        "{\"model\":\"deepseek-reasoner\"," + ASK + ",\"stream\":true}")
                .body();
        assertReasoningFirst(deepseek, "reasoning_content");

        JsonNode plain = json(chat("deepseek", "/chat/completions", "{\"model\":\"deepseek-chat\"," + ASK + "}")
                .body());
        assertThat(plain.at("/choices/0/message").has("reasoning_content")).isFalse();
        JsonNode nonStream = json(chat("deepseek", "/chat/completions", "{\"model\":\"deepseek-reasoner\"," + ASK + "}")
                .body());
        assertThat(nonStream.at("/choices/0/message/reasoning_content").asText())
                .isNotBlank();
    }

    private static void assertReasoningFirst(String body, String field) {
        List<String> kinds = new ArrayList<>();
        for (String d : dataLines(body)) {
            if (d.equals("[DONE]")) {
                continue;
            }
            JsonNode delta = json(d).at("/choices/0/delta");
            if (delta.has(field)) {
                kinds.add("reasoning");
            } else if (!delta.path("content").asText("").isEmpty()) {
                kinds.add("content");
            }
        }
        assertThat(kinds).contains("reasoning", "content");
        assertThat(kinds.lastIndexOf("reasoning")).isLessThan(kinds.indexOf("content"));
    }

    @Test
    void mistralProfile() throws Exception {
        simulator.behave("mistral", quick(3));
        JsonNode calls =
                json(chat("mistral", "/v1/chat/completions", "{\"model\":\"mistral-small\"," + ASK + "," + TOOLS + "}")
                        .body());
        assertThat(calls.at("/choices/0/message/tool_calls/0/id").asText()).matches("[A-Za-z0-9]{9}");

        HttpResponse<String> badId = chat("mistral", "/v1/chat/completions", """
                {"model":"mistral-small","messages":[{"role":"user","content":"hi"},
                 {"role":"assistant","tool_calls":[{"id":"call_abcdefghijklmnopqrstuvwx","type":"function","function":{"name":"f","arguments":"{}"}}]},
                 {"role":"tool","tool_call_id":"call_abcdefghijklmnopqrstuvwx","content":"ok"}]}""");
        assertThat(badId.statusCode()).isEqualTo(422);
        assertThat(json(badId.body()).path("object").asText()).isEqualTo("error");
        assertThat(json(badId.body()).path("message").asText()).contains("call_abcdefghijklmnopqrstuvwx");

        HttpResponse<String> goodId = chat("mistral", "/v1/chat/completions", """
                {"model":"mistral-small","messages":[{"role":"user","content":"hi"},
                 {"role":"assistant","tool_calls":[{"id":"abcDEF123","type":"function","function":{"name":"f","arguments":"{}"}}]},
                 {"role":"tool","tool_call_id":"abcDEF123","content":"ok"}]}""");
        assertThat(goodId.statusCode()).isEqualTo(200);

        for (String field : List.of(
                "\"stream_options\":{\"include_usage\":true}",
                "\"seed\":1",
                "\"max_completion_tokens\":5",
                "\"user\":\"u\"")) {
            HttpResponse<String> extra =
                    chat("mistral", "/v1/chat/completions", "{\"model\":\"mistral-small\"," + ASK + "," + field + "}");
            assertThat(extra.statusCode()).isEqualTo(422);
            assertThat(json(extra.body()).path("message").asText()).contains("Extra inputs are not permitted");
        }

        List<String> data = dataLines(
                chat("mistral", "/v1/chat/completions", "{\"model\":\"mistral-small\"," + ASK + ",\"stream\":true}")
                        .body());
        JsonNode finish = json(data.get(data.size() - 2));
        assertThat(finish.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
        assertThat(finish.at("/usage/completion_tokens").asInt()).isPositive();
    }

    @Test
    void reasoningModelsRefuseMaxTokensAtOpenAiAndAzure() throws Exception {
        HttpResponse<String> o4 =
                chat("openai", "/v1/chat/completions", "{\"model\":\"o4-mini\"," + ASK + ",\"max_tokens\":10}");
        assertThat(o4.statusCode()).isEqualTo(400);
        JsonNode error = json(o4.body()).path("error");
        assertThat(error.path("code").asText()).isEqualTo("unsupported_parameter");
        assertThat(error.path("param").asText()).isEqualTo("max_tokens");
        assertThat(error.path("message").asText()).contains("Use 'max_completion_tokens' instead.");
        assertThat(chat(
                                "openai",
                                "/v1/chat/completions",
                                "{\"model\":\"o4-mini\"," + ASK + ",\"max_completion_tokens\":10}")
                        .statusCode())
                .isEqualTo(200);
        assertThat(chat("openai", "/v1/chat/completions", "{\"model\":\"gpt-4o\"," + ASK + ",\"max_tokens\":10}")
                        .statusCode())
                .isEqualTo(200);
        assertThat(chat("together", "/v1/chat/completions", "{\"model\":\"o4-mini\"," + ASK + ",\"max_tokens\":10}")
                        .statusCode())
                .isEqualTo(200);
        HttpResponse<String> azure = post(
                "/azure/openai/deployments/gpt-5/chat/completions?api-version=2024-10-21",
                "{" + ASK + ",\"max_tokens\":10}",
                "api-key",
                ProviderSimulator.defaultCredential("azure"));
        assertThat(azure.statusCode()).isEqualTo(400);
    }

    @Test
    void perplexitySendsCitationsAndUsageUnasked() throws Exception {
        simulator.behave("perplexity", quick(3));
        List<String> data =
                dataLines(chat("perplexity", "/chat/completions", "{\"model\":\"sonar\"," + ASK + ",\"stream\":true}")
                        .body());
        assertThat(data.subList(0, data.size() - 1))
                .allSatisfy(d -> assertThat(json(d).path("citations").isArray()).isTrue());
        assertThat(json(data.get(data.size() - 2)).at("/usage/total_tokens").asInt())
                .isPositive();
        // other providers: usage only when asked
        simulator.behave("together", quick(3));
        List<String> plain =
                dataLines(chat("together", "/v1/chat/completions", "{\"model\":\"m\"," + ASK + ",\"stream\":true}")
                        .body());
        assertThat(plain).noneSatisfy(d -> assertThat(d).contains("\"usage\""));
    }

    @Test
    void azureDeployments() throws Exception {
        String key = ProviderSimulator.defaultCredential("azure");
        HttpResponse<String> ok = post(
                "/azure/openai/deployments/my-gpt4o/chat/completions?api-version=2024-10-21",
                "{" + ASK + "}",
                "api-key",
                key);
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(json(ok.body()).path("model").asText()).isEqualTo("my-gpt4o");

        assertThat(post("/azure/openai/deployments/my-gpt4o/chat/completions", "{" + ASK + "}", "api-key", key)
                        .statusCode())
                .isEqualTo(400);
        HttpResponse<String> bearer = post(
                "/azure/openai/deployments/my-gpt4o/chat/completions?api-version=2024-10-21",
                "{" + ASK + "}",
                "Authorization",
                "Bearer " + key);
        assertThat(bearer.statusCode()).isEqualTo(401);
        assertThat(json(bearer.body()).at("/error/code").asText()).isEqualTo("401");

        JsonNode embeddings = json(post(
                        "/azure/openai/deployments/emb/embeddings?api-version=2024-10-21",
                        "{\"input\":\"hello\",\"dimensions\":4}",
                        "api-key",
                        key)
                .body());
        assertThat(embeddings.at("/data/0/embedding")).hasSize(4);
        assertThat(embeddings.path("model").asText()).isEqualTo("emb");
    }

    @Test
    void anyBasePathWorksAndUnknownPathsAre404Json() throws Exception {
        for (String path : List.of(
                "/deepinfra/v1/openai/chat/completions",
                "/groq/openai/v1/chat/completions",
                "/deepseek/chat/completions")) {
            String provider = path.split("/")[1];
            assertThat(chat(provider, path.substring(provider.length() + 1), "{\"model\":\"m\"," + ASK + "}")
                            .statusCode())
                    .as(path)
                    .isEqualTo(200);
        }
        HttpResponse<String> unknown = post("/openai/v1/nothing/here", "{}", "Authorization", bearer("openai"));
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(json(unknown.body()).at("/error/code").asText()).isEqualTo("not_found");
    }
}
