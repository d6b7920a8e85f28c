package dev.switchboard.router.provider.openai;

import dev.switchboard.router.provider.StreamTranslator;
import dev.switchboard.router.provider.UpstreamFailure;
import dev.switchboard.wire.ErrorClass;
import dev.switchboard.wire.RouteEvent;
import dev.switchboard.wire.ToolCallDelta;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OpenAiStreamTranslatorTest {

    private final OpenAiStreamTranslator translator = new OpenAiStreamTranslator();

    private List<RouteEvent> feed(String... data) {
        List<RouteEvent> out = new ArrayList<>();
        for (String d : data) {
            out.addAll(translator.onEvent(null, d));
        }
        return out;
    }

    @Test
    void textStreamWithUsageChunk() {
        List<RouteEvent> events = feed(
                "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]}",
                "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hel\"},\"finish_reason\":null}]}",
                "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"lo\"},\"finish_reason\":null}]}",
                "{\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}",
                "{\"choices\":[],\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":2,\"total_tokens\":11,\"prompt_tokens_details\":{\"cached_tokens\":4},\"completion_tokens_details\":{\"reasoning_tokens\":0}}}",
                "[DONE]");
        assertThat(events).containsExactly(RouteEvent.Delta.text("Hel"), RouteEvent.Delta.text("lo"), new RouteEvent.Finished("stop"));
        assertThat(translator.completed()).isTrue();
        assertThat(translator.reportedUsage()).isEqualTo(new StreamTranslator.ReportedUsage(9, 2, 4, 0));
    }

    @Test
    void toolCallFragmentsAndReasoningPassThrough() {
        List<RouteEvent> events = feed(
                "{\"choices\":[{\"index\":0,\"delta\":{\"reasoning_content\":\"think\"}}]}",
                "{\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"get\",\"arguments\":\"\"}}]}}]}",
                "{\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{\\\"q\\\":1}\"}}]}}]}",
                "{\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"tool_calls\"}]}");
        assertThat(events).containsExactly(
                new RouteEvent.Delta(null, "think", null),
                new RouteEvent.Delta(null, null, List.of(new ToolCallDelta(0, "call_1", "get", null))),
                new RouteEvent.Delta(null, null, List.of(new ToolCallDelta(0, null, null, "{\"q\":1}"))),
                new RouteEvent.Finished("tool_calls"));
    }

    @Test
    void aStreamWithoutFinishOrDoneIsNotComplete() {
        feed("{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"cut\"}}]}");
        assertThat(translator.completed()).isFalse();
        assertThat(translator.reportedUsage()).isNull();
    }

    @Test
    void garbageAndErrorChunksBecomeUpstreamFailures() {
        assertThatThrownBy(() -> feed("{not json")).isInstanceOf(UpstreamFailure.class);
        assertThatThrownBy(() -> feed("[1,2]")).isInstanceOf(UpstreamFailure.class);
        assertThatThrownBy(() -> feed("{\"error\":{\"code\":429,\"message\":\"slow down\"}}"))
                .isInstanceOfSatisfying(UpstreamFailure.class, f -> assertThat(f.errorClass()).isEqualTo(ErrorClass.RATE_LIMITED));
    }

    @Test
    void errorResponsesAreClassified() {
        OpenAiChatAdapter adapter = new OpenAiChatAdapter();
        assertThat(adapter.classifyError(429, "{\"error\":{\"message\":\"rate\"}}".getBytes()).errorClass()).isEqualTo(ErrorClass.RATE_LIMITED);
        assertThat(adapter.classifyError(400, "{\"error\":{\"code\":\"context_length_exceeded\",\"message\":\"too long\"}}".getBytes()).errorClass())
                .isEqualTo(ErrorClass.CONTEXT_LENGTH_EXCEEDED);
        assertThat(adapter.classifyError(502, "<html>bad gateway</html>".getBytes()).errorClass()).isEqualTo(ErrorClass.UPSTREAM);
    }
}
