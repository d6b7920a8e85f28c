package dev.switchboard.edge.dialect.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.wire.RouteEvent;
import dev.switchboard.wire.ToolCallDelta;
import dev.switchboard.wire.Usage;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class OpenAiResponsesTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final OpenAiResponses out = new OpenAiResponses("gen-1", 1_764_129_600L, "openai/gpt-4o-mini");
    private final Usage usage = new Usage(12, 48, 0, 0, 30_600L, Usage.SOURCE_PROVIDER);

    /** The first server-sent event of {@code bytes}. */
    private static JsonNode event(byte[] bytes) throws Exception {
        String text = new String(bytes, StandardCharsets.UTF_8);
        assertThat(text).startsWith("data: ").endsWith("\n\n");
        return JSON.readTree(text.substring(6, text.indexOf("\n\n")));
    }

    @Test
    void streamChunksHaveTheOpenAiShapeAndTheFirstCarriesTheRole() throws Exception {
        out.routed(new RouteEvent.Routed("openai", "openai/gpt-4o-mini", "gpt-4o-mini", 1));
        JsonNode first = event(out.delta(RouteEvent.Delta.text("Hel")));
        JsonNode second = event(out.delta(RouteEvent.Delta.text("lo")));
        assertThat(first.path("object").asText()).isEqualTo("chat.completion.chunk");
        assertThat(first.path("id").asText()).isEqualTo("gen-1");
        assertThat(first.path("created").isIntegralNumber()).isTrue();
        assertThat(first.path("model").asText()).isEqualTo("openai/gpt-4o-mini");
        assertThat(first.at("/choices/0/delta/role").asText()).isEqualTo("assistant");
        assertThat(first.at("/choices/0/delta/content").asText()).isEqualTo("Hel");
        assertThat(first.at("/choices/0/finish_reason").isNull()).isTrue();
        assertThat(second.at("/choices/0/delta").has("role")).isFalse();
        assertThat(first.has("system_fingerprint"))
                .as("null system_fingerprint is rejected in chunks by some SDKs")
                .isFalse();
    }

    @Test
    void theUsageChunkCarriesCostAsAPlainJsonNumber() throws Exception {
        byte[] bytes = out.streamEnd(usage);
        assertThat(new String(bytes, StandardCharsets.UTF_8)).contains("\"cost\":0.0000306");
        JsonNode chunk = event(bytes);
        assertThat(chunk.path("choices")).isEmpty();
        assertThat(chunk.at("/usage/cost").isNumber()).isTrue();
        assertThat(chunk.at("/usage/total_tokens").asInt()).isEqualTo(60);
    }

    @Test
    void anErrorAfterTheFirstTokenIsAChunkWithFinishReasonError() throws Exception {
        JsonNode chunk = event(out.streamError(502, "provider failed"));
        assertThat(chunk.at("/choices/0/finish_reason").asText()).isEqualTo("error");
        assertThat(chunk.at("/error/code").asInt()).isEqualTo(502);
        assertThat(chunk.at("/error/message").asText()).isEqualTo("provider failed");
        assertThat(new String(dev.switchboard.edge.dialect.JsonOut.done(), StandardCharsets.UTF_8))
                .isEqualTo("data: [DONE]\n\n");
    }

    @Test
    void aNonStreamingAnswerAggregatesTextAndToolCalls() throws Exception {
        out.routed(new RouteEvent.Routed("groq", "meta-llama/llama-3.1-8b-instruct", "llama-3.1-8b-instant", 2));
        out.aggregate(RouteEvent.Delta.text("Hi "));
        out.aggregate(new RouteEvent.Delta("there", null, List.of(new ToolCallDelta(0, "call_1", "get", "{\"a\""))));
        out.aggregate(new RouteEvent.Delta(null, null, List.of(new ToolCallDelta(0, null, null, ":1}"))));
        out.finished(new RouteEvent.Finished("tool_calls"));
        JsonNode body = JSON.readTree(out.complete(usage));
        assertThat(body.path("object").asText()).isEqualTo("chat.completion");
        assertThat(body.path("model").asText()).isEqualTo("meta-llama/llama-3.1-8b-instruct");
        assertThat(body.path("provider").asText()).isEqualTo("groq");
        assertThat(body.has("system_fingerprint")).isTrue();
        assertThat(body.at("/choices/0/message/content").asText()).isEqualTo("Hi there");
        assertThat(body.at("/choices/0/message/tool_calls/0/function/arguments").asText())
                .isEqualTo("{\"a\":1}");
        assertThat(body.at("/choices/0/message/tool_calls/0/id").asText()).isEqualTo("call_1");
        assertThat(body.at("/choices/0/finish_reason").asText()).isEqualTo("tool_calls");
        assertThat(body.at("/usage/cost").decimalValue()).isEqualByComparingTo("0.0000306");
    }

    @Test
    void signedReasoningAndToolCallSignaturesBecomeReasoningDetails() throws Exception {
        List<RouteEvent.Delta> deltas = List.of(
                new RouteEvent.Delta(null, "Let me ", null),
                new RouteEvent.Delta(null, "think.", null),
                new RouteEvent.Delta(null, null, "c2lnMQ==", null, null, null),
                new RouteEvent.Delta(null, null, null, "b3BhcXVl", null, null),
                new RouteEvent.Delta(
                        null, null, null, null, List.of(new ToolCallDelta(0, "call_1", "f", "{}", "Z2VtaW5p")), null));
        OpenAiResponses streaming = new OpenAiResponses("gen-2", 1L, "m");
        JsonNode first = event(streaming.delta(deltas.get(0)));
        assertThat(first.at("/choices/0/delta/reasoning_details/0/type").asText())
                .isEqualTo("reasoning.text");
        assertThat(first.at("/choices/0/delta/reasoning_details/0/index").asInt())
                .isZero();
        event(streaming.delta(deltas.get(1)));
        JsonNode signature = event(streaming.delta(deltas.get(2)));
        assertThat(signature
                        .at("/choices/0/delta/reasoning_details/0/signature")
                        .asText())
                .isEqualTo("c2lnMQ==");
        assertThat(signature.at("/choices/0/delta/reasoning_details/0/index").asInt())
                .isZero();
        JsonNode redacted = event(streaming.delta(deltas.get(3)));
        assertThat(redacted.at("/choices/0/delta/reasoning_details/0/index").asInt())
                .isEqualTo(1);
        JsonNode call = event(streaming.delta(deltas.get(4)));
        assertThat(call.at("/choices/0/delta/reasoning_details/0/id").asText()).isEqualTo("call_1");

        OpenAiResponses whole = new OpenAiResponses("gen-3", 1L, "m");
        deltas.forEach(whole::aggregate);
        whole.finished(new RouteEvent.Finished("tool_calls"));
        JsonNode message = JSON.readTree(whole.complete(usage)).at("/choices/0/message");
        assertThat(message.path("reasoning").asText()).isEqualTo("Let me think.");
        assertThat(message.path("reasoning_details")).hasSize(3);
        assertThat(message.at("/reasoning_details/0/text").asText()).isEqualTo("Let me think.");
        assertThat(message.at("/reasoning_details/0/signature").asText()).isEqualTo("c2lnMQ==");
        assertThat(message.at("/reasoning_details/1/data").asText()).isEqualTo("b3BhcXVl");
        assertThat(message.at("/reasoning_details/2/data").asText()).isEqualTo("Z2VtaW5p");
        assertThat(message.at("/reasoning_details/2/id").asText()).isEqualTo("call_1");
    }

    @Test
    void logprobsPassThroughStreamedAndWhole() throws Exception {
        JsonNode logprobs = JSON.readTree(
                "{\"content\":[{\"token\":\"Hi\",\"logprob\":-0.1,\"bytes\":[72,105],\"top_logprobs\":[]}]}");
        RouteEvent.Delta delta = new RouteEvent.Delta("Hi", null, null, null, null, logprobs);
        assertThat(event(new OpenAiResponses("g", 1L, "m").delta(delta)).at("/choices/0/logprobs"))
                .isEqualTo(logprobs);
        OpenAiResponses whole = new OpenAiResponses("g", 1L, "m");
        whole.aggregate(delta);
        whole.aggregate(delta);
        assertThat(JSON.readTree(whole.complete(usage)).at("/choices/0/logprobs/content"))
                .hasSize(2);
    }
}
