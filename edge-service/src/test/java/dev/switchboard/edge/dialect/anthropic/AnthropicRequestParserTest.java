package dev.switchboard.edge.dialect.anthropic;

import dev.switchboard.edge.service.EdgeException;
import dev.switchboard.wire.ChatMessage;
import dev.switchboard.wire.ChatRequest;
import dev.switchboard.wire.ContentPart;
import dev.switchboard.wire.Reasoning;
import dev.switchboard.wire.ReasoningPart;
import dev.switchboard.wire.ToolChoice;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AnthropicRequestParserTest {

    private final AnthropicRequestParser parser = new AnthropicRequestParser(64);

    private ChatRequest parse(String json) {
        return parser.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void thinkingSignedBlocksCacheMarkersAndToolChoiceAreKept() {
        ChatRequest request = parse("""
                {"model":"anthropic/claude-sonnet-4","max_tokens":4096,"top_k":20,
                 "thinking":{"type":"enabled","budget_tokens":2048},
                 "system":[{"type":"text","text":"long rules","cache_control":{"type":"ephemeral"}}],
                 "tools":[{"name":"f","input_schema":{"type":"object"}}],
                 "tool_choice":{"type":"tool","name":"f","disable_parallel_tool_use":true},
                 "messages":[{"role":"user","content":"hi"},
                   {"role":"assistant","content":[{"type":"thinking","thinking":"hmm","signature":"c2ln"},
                                                  {"type":"redacted_thinking","data":"b3BhcXVl"},
                                                  {"type":"tool_use","id":"toolu_1","name":"f","input":{"a":1}}]},
                   {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":"ok"},
                                             {"type":"document","source":{"type":"base64","media_type":"application/pdf","data":"JVBERi0="}}]}]}""");
        assertThat(request.reasoning()).isEqualTo(new Reasoning(null, 2048, false));
        assertThat(request.sampling().topK()).isEqualTo(20);
        assertThat(request.toolChoice()).isEqualTo(ToolChoice.tool("f"));
        assertThat(request.parallelToolCalls()).isFalse();
        ChatMessage system = request.messages().getFirst();
        assertThat(((ContentPart.Text) system.content().getFirst())
                        .cacheControl()
                        .path("type")
                        .asText())
                .isEqualTo("ephemeral");
        ChatMessage assistant = request.messages().get(2);
        assertThat(assistant.reasoning())
                .containsExactly(new ReasoningPart("hmm", "c2ln", null), new ReasoningPart(null, null, "b3BhcXVl"));
        assertThat(assistant.toolCalls())
                .singleElement()
                .satisfies(c -> assertThat(c.arguments()).isEqualTo("{\"a\":1}"));
        assertThat(request.messages().get(3).role()).isEqualTo(ChatMessage.Role.TOOL);
        assertThat(request.messages().get(4).content())
                .containsExactly(new ContentPart.File(null, "JVBERi0=", "application/pdf", null));
    }

    @Test
    void aThinkingBudgetMustFitUnderMaxTokens() {
        assertThatThrownBy(() -> parse("""
                {"model":"a/b","max_tokens":1500,"thinking":{"type":"enabled","budget_tokens":2048},
                 "messages":[{"role":"user","content":"hi"}]}"""))
                .isInstanceOf(EdgeException.class)
                .hasMessageContaining("thinking.budget_tokens");
    }
}
