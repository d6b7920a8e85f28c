package dev.switchboard.edge.dialect.openai;

import dev.switchboard.edge.service.EdgeException;
import dev.switchboard.wire.ChatMessage;
import dev.switchboard.wire.ChatRequest;
import dev.switchboard.wire.ContentPart;
import dev.switchboard.wire.Reasoning;
import dev.switchboard.wire.ReasoningPart;
import dev.switchboard.wire.ResponseFormat;
import dev.switchboard.wire.ToolChoice;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OpenAiRequestParserTest {

    private final OpenAiRequestParser parser = new OpenAiRequestParser(64);

    private ChatRequest parse(String json) {
        return parser.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aFullRequestIsRead() {
        ChatRequest request = parse("""
                {"model":"openai/gpt-4o-mini","models":["meta-llama/llama-3.1-8b-instruct"],
                 "messages":[{"role":"system","content":"be brief"},
                             {"role":"user","content":[{"type":"text","text":"what is"},{"type":"image_url","image_url":{"url":"https://x/y.png","detail":"low"}}]},
                             {"role":"assistant","content":null,"tool_calls":[{"id":"c1","type":"function","function":{"name":"f","arguments":"{}"}}]},
                             {"role":"tool","tool_call_id":"c1","content":"42"}],
                 "max_tokens":100,"temperature":0.5,"top_p":0.9,"seed":7,"stop":["END"],"stream":true,"user":"u",
                 "tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object"}}}],
                 "tool_choice":"auto","response_format":{"type":"json_object"},"unknown_field":{"ignored":true}}""");
        assertThat(request.models()).containsExactly("openai/gpt-4o-mini", "meta-llama/llama-3.1-8b-instruct");
        assertThat(request.messages()).hasSize(4);
        assertThat(request.messages().get(1).content())
                .containsExactly(new ContentPart.Text("what is"), new ContentPart.Image("https://x/y.png", "low"));
        assertThat(request.messages().get(2).toolCalls())
                .singleElement()
                .satisfies(c -> assertThat(c.name()).isEqualTo("f"));
        assertThat(request.messages().get(3).role()).isEqualTo(ChatMessage.Role.TOOL);
        assertThat(request.maxTokens()).isEqualTo(100);
        assertThat(request.sampling().stop()).containsExactly("END");
        assertThat(request.stream()).isTrue();
        assertThat(request.tools())
                .singleElement()
                .satisfies(t -> assertThat(t.name()).isEqualTo("f"));
    }

    @Test
    void maxCompletionTokensWinsOverMaxTokens() {
        assertThat(parse(
                                "{\"model\":\"a/b\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"max_tokens\":5,\"max_completion_tokens\":9}")
                        .maxTokens())
                .isEqualTo(9);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "no model           | {\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}                            | model",
                "model not string   | {\"model\":7,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}                | model",
                "no messages        | {\"model\":\"a/b\"}                                                               | messages",
                "empty messages     | {\"model\":\"a/b\",\"messages\":[]}                                               | messages",
                "bad role           | {\"model\":\"a/b\",\"messages\":[{\"role\":\"wizard\",\"content\":\"x\"}]}        | messages[0].role",
                "content number     | {\"model\":\"a/b\",\"messages\":[{\"role\":\"user\",\"content\":5}]}              | messages[0].content",
                "bad part type      | {\"model\":\"a/b\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"video\"}]}]} | messages[0].content[0].type",
                "tool without id    | {\"model\":\"a/b\",\"messages\":[{\"role\":\"tool\",\"content\":\"x\"}]}          | messages[0].tool_call_id",
                "max_tokens string  | {\"model\":\"a/b\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"max_tokens\":\"9\"} | max_tokens",
                "max_tokens zero    | {\"model\":\"a/b\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"max_tokens\":0} | max_tokens",
                "temperature high   | {\"model\":\"a/b\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"temperature\":3} | temperature",
                "temperature string | {\"model\":\"a/b\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"temperature\":\"hot\"} | temperature",
                "stream string      | {\"model\":\"a/b\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"stream\":\"yes\"} | stream",
                "too many stops     | {\"model\":\"a/b\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"stop\":[\"a\",\"b\",\"c\",\"d\",\"e\"]} | stop",
                "tools not array    | {\"model\":\"a/b\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"tools\":{}} | tools",
            })
    void wrongTypesAre400sNamingTheField(String name, String json, String field) {
        assertThatThrownBy(() -> parse(json)).isInstanceOfSatisfying(EdgeException.class, e -> {
            assertThat(e.status()).isEqualTo(400);
            assertThat(e.metadata()).containsEntry("field", field);
            assertThat(e.getMessage()).startsWith(field + " ");
        });
    }

    @Test
    void malformedJsonTrailingContentAndNonObjectsAre400() {
        for (String bad :
                List.of("{", "{\"model\":\"a/b\"} {}", "[]", "\"text\"", "", "{\"model\":\"a/b\",\"model\":\"c/d\"}")) {
            assertThatThrownBy(() -> parse(bad))
                    .as(bad)
                    .isInstanceOfSatisfying(
                            EdgeException.class, e -> assertThat(e.status()).isEqualTo(400));
        }
    }

    @Test
    void invalidUtf8Is400() {
        byte[] body = "{\"model\":\"a/b\",\"messages\":[{\"role\":\"user\",\"content\":\"XX\"}]}"
                .getBytes(StandardCharsets.UTF_8);
        int at = new String(body, StandardCharsets.UTF_8).indexOf("XX");
        body[at] = (byte) 0xC3;
        body[at + 1] = (byte) 0x28;
        byte[] broken = body;
        assertThatThrownBy(() -> parser.parse(broken))
                .isInstanceOfSatisfying(
                        EdgeException.class, e -> assertThat(e.status()).isEqualTo(400));
    }

    @Test
    void deeplyNestedJsonIsRefused() {
        String deep = "{\"model\":\"a/b\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"extra\":"
                + "[".repeat(100) + "]".repeat(100) + "}";
        assertThatThrownBy(() -> parse(deep))
                .isInstanceOfSatisfying(
                        EdgeException.class, e -> assertThat(e.status()).isEqualTo(400));
    }

    @Test
    void samplingToolChoiceFormatAndReasoningAreTyped() {
        ChatRequest request = parse("""
                {"model":"a/b","messages":[{"role":"user","content":"hi"}],
                 "top_k":40,"frequency_penalty":0.5,"presence_penalty":-1,"logprobs":true,"top_logprobs":3,
                 "tools":[{"type":"function","function":{"name":"lookup","parameters":{"type":"object"}}}],
                 "tool_choice":{"type":"function","function":{"name":"lookup"}},"parallel_tool_calls":false,
                 "response_format":{"type":"json_schema","json_schema":{"name":"out","schema":{"type":"object"},"strict":true}},
                 "reasoning":{"max_tokens":2000,"exclude":true}}""");
        assertThat(request.sampling().topK()).isEqualTo(40);
        assertThat(request.sampling().frequencyPenalty()).isEqualTo(0.5);
        assertThat(request.sampling().presencePenalty()).isEqualTo(-1.0);
        assertThat(request.sampling().logprobs()).isTrue();
        assertThat(request.sampling().topLogprobs()).isEqualTo(3);
        assertThat(request.toolChoice()).isEqualTo(ToolChoice.tool("lookup"));
        assertThat(request.parallelToolCalls()).isFalse();
        assertThat(request.responseFormat().type()).isEqualTo(ResponseFormat.Type.JSON_SCHEMA);
        assertThat(request.responseFormat().name()).isEqualTo("out");
        assertThat(request.responseFormat().strict()).isTrue();
        assertThat(request.reasoning()).isEqualTo(new Reasoning(null, 2000, true));
        assertThat(parse(
                                "{\"model\":\"a/b\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"reasoning_effort\":\"low\"}")
                        .reasoning())
                .isEqualTo(new Reasoning("low", null, false));
        assertThat(parse(
                                "{\"model\":\"a/b\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"reasoning\":{\"enabled\":false}}")
                        .reasoning())
                .isNull();
    }

    @Test
    void filesAudioAndCacheMarkersAreKept() {
        ChatRequest request = parse("""
                {"model":"a/b","messages":[{"role":"user","content":[
                  {"type":"text","text":"long prefix","cache_control":{"type":"ephemeral"}},
                  {"type":"file","file":{"filename":"a.pdf","file_data":"data:application/pdf;base64,JVBERi0="}},
                  {"type":"input_audio","input_audio":{"data":"UklGRg==","format":"wav"}}]}]}""");
        List<ContentPart> parts = request.messages().getFirst().content();
        assertThat(((ContentPart.Text) parts.get(0)).cacheControl().path("type").asText())
                .isEqualTo("ephemeral");
        assertThat(parts.get(1))
                .isEqualTo(
                        new ContentPart.File("a.pdf", "data:application/pdf;base64,JVBERi0=", "application/pdf", null));
        assertThat(parts.get(2)).isEqualTo(new ContentPart.Audio("UklGRg==", "wav"));
    }

    @Test
    void reasoningDetailsComeBackAsReasoningPartsAndToolCallSignatures() {
        ChatRequest request = parse("""
                {"model":"a/b","messages":[{"role":"user","content":"hi"},
                  {"role":"assistant","content":null,
                   "tool_calls":[{"id":"call_1","type":"function","function":{"name":"f","arguments":"{}"}}],
                   "reasoning_details":[{"type":"reasoning.text","text":"let me think","signature":"c2lnMQ==","index":0},
                                        {"type":"reasoning.encrypted","data":"b3BhcXVl","index":1},
                                        {"type":"reasoning.encrypted","data":"Z2VtaW5p","id":"call_1","index":2}]},
                  {"role":"tool","tool_call_id":"call_1","content":"ok"}]}""");
        ChatMessage assistant = request.messages().get(1);
        assertThat(assistant.reasoning())
                .containsExactly(
                        new ReasoningPart("let me think", "c2lnMQ==", null), new ReasoningPart(null, null, "b3BhcXVl"));
        assertThat(assistant.toolCalls())
                .singleElement()
                .satisfies(c -> assertThat(c.signature()).isEqualTo("Z2VtaW5p"));
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "\"tool_choice\":{\"type\":\"function\",\"function\":{\"name\":\"nope\"}}|tool_choice.function.name",
                "\"top_logprobs\":2|top_logprobs",
                "\"reasoning\":{\"effort\":\"extreme\"}|reasoning.effort",
                "\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"x\"}}|response_format.json_schema.schema",
                "\"frequency_penalty\":3|frequency_penalty",
                "\"parallel_tool_calls\":\"yes\"|parallel_tool_calls"
            })
    void badNewFieldsAreA400NamingTheField(String field, String path) {
        assertThatThrownBy(() -> parse("{\"model\":\"a/b\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
                        + "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\"}}]," + field + "}"))
                .isInstanceOf(EdgeException.class)
                .hasMessageContaining(path);
    }
}
