package dev.switchboard.edge;

import dev.switchboard.edge.dialect.OpenAiRequestParser;
import dev.switchboard.edge.service.EdgeException;
import dev.switchboard.wire.ChatMessage;
import dev.switchboard.wire.ChatRequest;
import dev.switchboard.wire.ContentPart;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

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
        assertThat(request.messages().get(1).content()).containsExactly(new ContentPart.Text("what is"), new ContentPart.Image("https://x/y.png", "low"));
        assertThat(request.messages().get(2).toolCalls()).singleElement().satisfies(c -> assertThat(c.name()).isEqualTo("f"));
        assertThat(request.messages().get(3).role()).isEqualTo(ChatMessage.Role.TOOL);
        assertThat(request.maxTokens()).isEqualTo(100);
        assertThat(request.stop()).containsExactly("END");
        assertThat(request.stream()).isTrue();
        assertThat(request.tools()).singleElement().satisfies(t -> assertThat(t.name()).isEqualTo("f"));
    }

    @Test
    void maxCompletionTokensWinsOverMaxTokens() {
        assertThat(parse("{\"model\":\"a/b\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"max_tokens\":5,\"max_completion_tokens\":9}")
                .maxTokens()).isEqualTo(9);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
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
        assertThatThrownBy(() -> parse(json))
                .isInstanceOfSatisfying(EdgeException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.metadata()).containsEntry("field", field);
                    assertThat(e.getMessage()).startsWith(field + " ");
                });
    }

    @Test
    void malformedJsonTrailingContentAndNonObjectsAre400() {
        for (String bad : List.of("{", "{\"model\":\"a/b\"} {}", "[]", "\"text\"", "", "{\"model\":\"a/b\",\"model\":\"c/d\"}")) {
            assertThatThrownBy(() -> parse(bad)).as(bad)
                    .isInstanceOfSatisfying(EdgeException.class, e -> assertThat(e.status()).isEqualTo(400));
        }
    }

    @Test
    void invalidUtf8Is400() {
        byte[] body = "{\"model\":\"a/b\",\"messages\":[{\"role\":\"user\",\"content\":\"XX\"}]}".getBytes(StandardCharsets.UTF_8);
        int at = new String(body, StandardCharsets.UTF_8).indexOf("XX");
        body[at] = (byte) 0xC3;
        body[at + 1] = (byte) 0x28;
        byte[] broken = body;
        assertThatThrownBy(() -> parser.parse(broken)).isInstanceOfSatisfying(EdgeException.class, e -> assertThat(e.status()).isEqualTo(400));
    }

    @Test
    void deeplyNestedJsonIsRefused() {
        String deep = "{\"model\":\"a/b\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"extra\":" + "[".repeat(100) + "]".repeat(100) + "}";
        assertThatThrownBy(() -> parse(deep)).isInstanceOfSatisfying(EdgeException.class, e -> assertThat(e.status()).isEqualTo(400));
    }
}
