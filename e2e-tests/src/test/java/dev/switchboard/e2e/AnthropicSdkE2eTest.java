package dev.switchboard.e2e;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.JsonValue;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.errors.BadRequestException;
import com.anthropic.errors.NotFoundException;
import com.anthropic.errors.RateLimitException;
import com.anthropic.errors.UnauthorizedException;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.Tool;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The official Anthropic Java SDK, unmodified, against the running edge's Messages endpoint. */
@Order(8)
class AnthropicSdkE2eTest {

    static final String BASE = Stack.url().replace("/v1", "");
    static final AnthropicClient CLIENT = AnthropicOkHttpClient.builder()
            .baseUrl(BASE)
            .apiKey(Stack.key())
            .maxRetries(0)
            .build();

    private static MessageCreateParams.Builder hello() {
        return MessageCreateParams.builder()
                .model("openai/gpt-4o-mini")
                .maxTokens(64)
                .system("Be brief")
                .addUserMessage("Say hello");
    }

    @Test
    void aMessage() {
        Message message = CLIENT.messages().create(hello().build());
        assertThat(message.content()).isNotEmpty();
        assertThat(message.content().getFirst().text())
                .hasValueSatisfying(t -> assertThat(t.text()).isNotBlank());
        assertThat(message.usage().outputTokens()).isPositive();
        assertThat(message.stopReason()).isPresent();
    }

    @Test
    void aStreamedMessageAccumulatesToTheSameShape() {
        MessageAccumulator accumulator = MessageAccumulator.create();
        try (StreamResponse<RawMessageStreamEvent> stream = CLIENT.messages().createStreaming(hello().build())) {
            stream.stream().forEach(accumulator::accumulate);
        }
        Message message = accumulator.message();
        assertThat(message.content().getFirst().text())
                .hasValueSatisfying(t -> assertThat(t.text()).isNotBlank());
        assertThat(message.usage().outputTokens()).isPositive();
    }

    @Test
    void aRequestWithToolsIsAccepted() {
        Message message = CLIENT.messages()
                .create(hello().addTool(Tool.builder()
                                .name("get_weather")
                                .description("Weather of a city")
                                .inputSchema(Tool.InputSchema.builder()
                                        .properties(JsonValue.from(Map.of("city", Map.of("type", "string"))))
                                        .build())
                                .build())
                        .build());
        assertThat(message.content()).isNotEmpty();
    }

    @Test
    void errorsAreTheTypedExceptions() {
        AnthropicClient wrongKey = AnthropicOkHttpClient.builder()
                .baseUrl(BASE)
                .apiKey("sk-sb-v1-" + "q".repeat(43))
                .maxRetries(0)
                .build();
        assertThatThrownBy(() -> wrongKey.messages().create(hello().build())).isInstanceOf(UnauthorizedException.class);
        assertThatThrownBy(() ->
                        CLIENT.messages().create(hello().model("nobody/nothing").build()))
                .isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> CLIENT.messages()
                        .create(hello().putAdditionalBodyProperty("temperature", JsonValue.from(3.0))
                                .build()))
                .isInstanceOf(BadRequestException.class);
        String limited = Stack.account("1.00", "\"rate_limit_rpm\":1")[1];
        AnthropicClient slow = AnthropicOkHttpClient.builder()
                .baseUrl(BASE)
                .apiKey(limited)
                .maxRetries(0)
                .build();
        slow.messages().create(hello().build());
        assertThatThrownBy(() -> slow.messages().create(hello().build())).isInstanceOf(RateLimitException.class);
    }
}
