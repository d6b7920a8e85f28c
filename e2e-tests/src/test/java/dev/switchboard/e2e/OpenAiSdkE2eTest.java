package dev.switchboard.e2e;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.NotFoundException;
import com.openai.errors.OpenAIServiceException;
import com.openai.errors.PermissionDeniedException;
import com.openai.errors.RateLimitException;
import com.openai.errors.UnauthorizedException;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionFunctionTool;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The official OpenAI Java SDK, unmodified, against the running edge. */
@Order(7)
class OpenAiSdkE2eTest {

    static final String MODEL = "openai/gpt-4o-mini";
    static final OpenAIClient CLIENT = OpenAIOkHttpClient.builder()
            .baseUrl(Stack.url())
            .apiKey(Stack.key())
            .maxRetries(0)
            .build();

    @AfterAll
    static void close() {
        Stack.simulator("DELETE", "/_sim/providers", null);
    }

    private static ChatCompletionCreateParams.Builder hello() {
        return ChatCompletionCreateParams.builder()
                .model(MODEL)
                .addUserMessage("Say hello to the SDK")
                .maxCompletionTokens(64);
    }

    @Test
    void aChatCompletion() {
        ChatCompletion completion = CLIENT.chat().completions().create(hello().build());
        assertThat(completion.choices()).hasSize(1);
        assertThat(completion.choices().getFirst().message().content())
                .hasValueSatisfying(c -> assertThat(c).isNotBlank());
        assertThat(completion.usage())
                .hasValueSatisfying(u -> assertThat(u.completionTokens()).isPositive());
        assertThat(completion.model()).isEqualTo(MODEL);
    }

    @Test
    void aStreamingChatCompletionWithUsage() {
        List<ChatCompletionChunk> chunks = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> stream = CLIENT.chat()
                .completions()
                .createStreaming(hello().streamOptions(ChatCompletionStreamOptions.builder()
                                .includeUsage(true)
                                .build())
                        .build())) {
            stream.stream().forEach(chunks::add);
        }
        StringBuilder text = new StringBuilder();
        chunks.forEach(
                c -> c.choices().forEach(choice -> choice.delta().content().ifPresent(text::append)));
        assertThat(text).isNotEmpty();
        assertThat(chunks.getLast().usage())
                .hasValueSatisfying(u -> assertThat(u.totalTokens()).isPositive());
        assertThat(chunks)
                .anySatisfy(c -> assertThat(c.choices())
                        .anySatisfy(choice -> assertThat(choice.finishReason())
                                .hasValue(ChatCompletionChunk.Choice.FinishReason.STOP)));
    }

    @Test
    void aRequestWithToolsIsAccepted() {
        ChatCompletion completion = CLIENT.chat()
                .completions()
                .create(hello().addTool(ChatCompletionFunctionTool.builder()
                                .function(FunctionDefinition.builder()
                                        .name("get_weather")
                                        .description("Weather of a city")
                                        .parameters(FunctionParameters.builder()
                                                .putAdditionalProperty("type", JsonValue.from("object"))
                                                .putAdditionalProperty(
                                                        "properties",
                                                        JsonValue.from(Map.of("city", Map.of("type", "string"))))
                                                .build())
                                        .build())
                                .build())
                        .build());
        assertThat(completion.choices()).hasSize(1);
    }

    @Test
    void embeddingsAsTheSdkAsksForThemByDefaultAndAsFloats() {
        CreateEmbeddingResponse base64 = CLIENT.embeddings()
                .create(EmbeddingCreateParams.builder()
                        .model("openai/text-embedding-3-small")
                        .input("hello world")
                        .build());
        assertThat(base64.data()).hasSize(1);
        assertThat(base64.data().getFirst().embedding()).hasSize(1536);
        CreateEmbeddingResponse floats = CLIENT.embeddings()
                .create(EmbeddingCreateParams.builder()
                        .model("openai/text-embedding-3-small")
                        .input("hello world")
                        .dimensions(8)
                        .encodingFormat(EmbeddingCreateParams.EncodingFormat.FLOAT)
                        .build());
        assertThat(floats.data().getFirst().embedding()).hasSize(8);
        assertThat(floats.usage().promptTokens()).isPositive();
    }

    @Test
    void errorsAreTheTypedExceptions() {
        OpenAIClient wrongKey = OpenAIOkHttpClient.builder()
                .baseUrl(Stack.url())
                .apiKey("sk-sb-v1-" + "z".repeat(43))
                .maxRetries(0)
                .build();
        assertThatThrownBy(() -> wrongKey.chat().completions().create(hello().build()))
                .isInstanceOf(UnauthorizedException.class);
        assertThatThrownBy(() -> CLIENT.chat()
                        .completions()
                        .create(hello().model("nobody/nothing").build()))
                .isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> CLIENT.chat()
                        .completions()
                        .create(hello().temperature(7.0).build()))
                .isInstanceOf(BadRequestException.class);
        OpenAIClient management = OpenAIOkHttpClient.builder()
                .baseUrl(Stack.url())
                .apiKey(Stack.get("SWITCHBOARD_MANAGEMENT_KEY"))
                .maxRetries(0)
                .build();
        assertThatThrownBy(() -> management.chat().completions().create(hello().build()))
                .isInstanceOf(PermissionDeniedException.class);

        String poor = Stack.account("0.000001", null)[1];
        OpenAIClient broke = OpenAIOkHttpClient.builder()
                .baseUrl(Stack.url())
                .apiKey(poor)
                .maxRetries(0)
                .build();
        assertThatThrownBy(() -> broke.chat().completions().create(hello().build()))
                .isInstanceOfSatisfying(
                        OpenAIServiceException.class,
                        e -> assertThat(e.statusCode()).isEqualTo(402));

        String limited = Stack.account("1.00", "\"rate_limit_rpm\":1")[1];
        OpenAIClient slow = OpenAIOkHttpClient.builder()
                .baseUrl(Stack.url())
                .apiKey(limited)
                .maxRetries(0)
                .build();
        slow.chat().completions().create(hello().build());
        assertThatThrownBy(() -> slow.chat().completions().create(hello().build()))
                .isInstanceOf(RateLimitException.class);
    }
}
