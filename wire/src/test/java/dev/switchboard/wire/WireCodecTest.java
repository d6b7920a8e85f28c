package dev.switchboard.wire;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WireCodecTest {

    @Test
    void routeRequestSurvivesARoundTrip() {
        var params = JsonNodeFactory.instance.objectNode().put("type", "object");
        var request = new ChatRequest(
                List.of("openai/gpt-4o-mini", "meta-llama/llama-3.1-8b-instruct"),
                List.of(
                        ChatMessage.text(ChatMessage.Role.SYSTEM, "be brief"),
                        new ChatMessage(
                                ChatMessage.Role.USER,
                                List.of(
                                        new ContentPart.Text("what is this?"),
                                        new ContentPart.Image("data:image/png;base64,AAAA", "low")),
                                null,
                                null,
                                null),
                        new ChatMessage(
                                ChatMessage.Role.ASSISTANT,
                                List.of(new ContentPart.Text("calling", params)),
                                null,
                                List.of(new ToolCall("call_1", "lookup", "{\"q\":\"x\"}", "c2ln")),
                                null,
                                List.of(
                                        new ReasoningPart("thought", "sig", null),
                                        new ReasoningPart(null, null, "opaque"))),
                        new ChatMessage(
                                ChatMessage.Role.USER,
                                List.of(
                                        new ContentPart.File("a.pdf", "JVBERi0=", "application/pdf", null),
                                        new ContentPart.Audio("UklGRg==", "wav")),
                                null,
                                null,
                                null),
                        new ChatMessage(
                                ChatMessage.Role.TOOL, List.of(new ContentPart.Text("42")), null, null, "call_1")),
                new Sampling(256, 0.2, null, 40, 0.1, null, 7L, List.of("\n\n"), true, 3),
                List.of(new Tool("lookup", "looks up", params)),
                ToolChoice.tool("lookup"),
                false,
                new ResponseFormat(ResponseFormat.Type.JSON_SCHEMA, "answer", null, params, true),
                new Reasoning("high", null, false),
                true,
                "u-1",
                new RoutingPreferences(
                        List.of("groq"),
                        false,
                        true,
                        true,
                        false,
                        List.of(),
                        List.of("together"),
                        List.of("fp8"),
                        "price",
                        1L,
                        2L));
        var original = new RouteRequest(
                "gen-1",
                new AuthContext(
                        "acc",
                        "key",
                        "hold",
                        1_000L,
                        new AccountPreferences(
                                java.util.List.of("a/b"), 5L, java.util.List.of("x"), true, false, "price")),
                request);

        RouteRequest decoded = WireCodec.decodeRouteRequest(WireCodec.encode(original));

        assertThat(decoded).isEqualTo(original);
        assertThat(decoded.request().primaryModel()).isEqualTo("openai/gpt-4o-mini");
    }

    @Test
    void eventsAreOneLineEachAndKeepTheirType() {
        List<RouteEvent> events = List.of(
                new RouteEvent.Routed("openai", "openai/gpt-4o-mini", "gpt-4o-mini", 1),
                new RouteEvent.Delta("line one\nline two", null, List.of(new ToolCallDelta(0, "c", "f", "{"))),
                new RouteEvent.Delta(
                        null,
                        "hmm",
                        "sig",
                        "opaque",
                        List.of(new ToolCallDelta(1, null, null, "}", "c2ln")),
                        JsonNodeFactory.instance.objectNode().set("content", JsonNodeFactory.instance.arrayNode())),
                new RouteEvent.Finished("stop"),
                new RouteEvent.Completed(new Usage(10, 20, 0, 0, 12_345L, Usage.SOURCE_PROVIDER)),
                new RouteEvent.Failed(ErrorClass.NO_PROVIDER, "none", null, List.of("openai: down")));
        for (RouteEvent event : events) {
            byte[] line = WireCodec.encodeLine(event);
            String text = new String(line, StandardCharsets.UTF_8);
            assertThat(text).endsWith("\n");
            assertThat(text.indexOf('\n')).isEqualTo(text.length() - 1);
            assertThat(WireCodec.decodeEvent(java.util.Arrays.copyOf(line, line.length - 1)))
                    .isEqualTo(event);
        }
    }

    @Test
    void unknownFieldsAreIgnoredSoEitherSideCanUpgradeFirst() {
        byte[] json =
                "{\"type\":\"finished\",\"reason\":\"stop\",\"added_later\":true}".getBytes(StandardCharsets.UTF_8);
        assertThat(WireCodec.decodeEvent(json)).isEqualTo(new RouteEvent.Finished("stop"));
    }

    @Test
    void aRequestWithoutModelsIsRejected() {
        assertThatThrownBy(() ->
                        new ChatRequest(List.of(), List.of(), null, null, null, null, null, null, false, null, null))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void messageTextJoinsTextPartsOnly() {
        var message = new ChatMessage(
                ChatMessage.Role.USER,
                List.of(new ContentPart.Text("a"), new ContentPart.Image("http://x", null), new ContentPart.Text("b")),
                null,
                null,
                null);
        assertThat(message.text()).isEqualTo("ab");
    }

    @Test
    void upstreamStatusesAreClassified() {
        assertThat(ErrorClass.fromUpstreamStatus(429)).isEqualTo(ErrorClass.RATE_LIMITED);
        assertThat(ErrorClass.fromUpstreamStatus(529)).isEqualTo(ErrorClass.OVERLOADED);
        assertThat(ErrorClass.fromUpstreamStatus(500).retryable()).isTrue();
        assertThat(ErrorClass.fromUpstreamStatus(400).retryable()).isFalse();
    }
}
