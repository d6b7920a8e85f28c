package dev.switchboard.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/** Bad input through the whole stack: the public error shape, the right status, no stack traces. */
@Order(2)
class ErrorsE2eTest {

    private static void assertError(HttpResponse<String> response, int status) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        JsonNode body = Stack.json(response.body());
        assertThat(body.at("/error/code").asInt()).isEqualTo(status);
        assertThat(body.at("/error/message").asText()).isNotBlank();
        assertThat(response.body()).doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    void anInvalidKeyIs401() {
        assertError(Stack.postChat("sk-sb-v1-" + "x".repeat(43), ChatE2eTest.CHAT + "}"), 401);
        assertError(Stack.postChat("nonsense", ChatE2eTest.CHAT + "}"), 401);
    }

    @Test
    void aMissingKeyIs401() {
        HttpResponse<String> response = Stack.send(HttpRequest.newBuilder(URI.create(Stack.url() + "/chat/completions"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(ChatE2eTest.CHAT + "}"))
                .build());
        assertError(response, 401);
    }

    @Test
    void aManagementKeyCannotCallModels() {
        assertError(Stack.postChat(Stack.get("SWITCHBOARD_MANAGEMENT_KEY"), ChatE2eTest.CHAT + "}"), 403);
    }

    @Test
    void anUnknownModelIs404() {
        assertError(
                Stack.postChat(
                        Stack.key(),
                        "{\"model\":\"nobody/nothing\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}"),
                404);
    }

    @Test
    void malformedJsonIs400() {
        assertError(Stack.postChat(Stack.key(), "{\"model\": \"openai/gpt-4o-mini\", \"messages\": ["), 400);
    }

    @Test
    void aGenerationLookupWithABadKeyIs401() {
        assertError(Stack.get("/generation?id=gen-1", "sk-sb-v1-" + "y".repeat(43)), 401);
    }
}
