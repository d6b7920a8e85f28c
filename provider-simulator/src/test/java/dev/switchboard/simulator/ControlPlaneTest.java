package dev.switchboard.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ControlPlaneTest extends SimulatorHarness {

    static final String CHAT = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    static HttpResponse<String> send(String method, String path, String body) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(uri(path))
                        .method(
                                method,
                                body == null
                                        ? HttpRequest.BodyPublishers.noBody()
                                        : HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void statsShowCountersByFamilyAndCredentialFingerprints() throws Exception {
        post("/groq/openai/v1/chat/completions", CHAT, "Authorization", bearer("groq"));
        post("/groq/openai/v1/chat/completions", CHAT, "Authorization", "Bearer sk-sb-v1-caller");
        JsonNode stats = json(send("GET", "/_sim/stats", null).body());
        JsonNode groq = stats.at("/providers/groq");
        assertThat(groq.path("requests").asLong()).isEqualTo(2);
        assertThat(groq.path("unauthorized").asLong()).isEqualTo(1);
        assertThat(groq.path("cancelled").asLong()).isZero();
        assertThat(groq.at("/by_family/openai/requests").asLong()).isEqualTo(2);
        assertThat(groq.at("/by_family/openai/unauthorized").asLong()).isEqualTo(1);
        assertThat(groq.path("credential_fingerprints"))
                .extracting(JsonNode::asText)
                .containsExactlyInAnyOrder(
                        ProviderSimulator.fingerprint(ProviderSimulator.defaultCredential("groq")),
                        ProviderSimulator.fingerprint("sk-sb-v1-caller"));
        assertThat(groq.path("credential_fingerprints"))
                .allSatisfy(f -> assertThat(f.asText()).matches("[0-9a-f]{16}"));
        assertThat(stats.toString()).doesNotContain("sk-sb-v1-caller");
    }

    static HttpResponse<String> get(String path, String... headers) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(uri(path)).headers(headers).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void modelListsAnswerEachFamilyWithItsOwnCredentialHeader() throws Exception {
        assertThat(get("/openai/v1/models", "Authorization", bearer("openai")).statusCode())
                .isEqualTo(200);
        // an OpenAI-family base path that contains "openai" is not Azure's
        assertThat(get("/deepinfra/v1/openai/models", "Authorization", bearer("deepinfra"))
                        .statusCode())
                .isEqualTo(200);
        assertThat(get("/anthropic/v1/models", "x-api-key", "sim-anthropic-key", "anthropic-version", "2023-06-01")
                        .statusCode())
                .isEqualTo(200);
        assertThat(get("/anthropic/v1/models", "x-api-key", "wrong", "anthropic-version", "2023-06-01")
                        .statusCode())
                .isEqualTo(401);
        assertThat(json(get("/google/v1beta/models", "x-goog-api-key", "sim-google-key")
                                .body())
                        .has("models"))
                .isTrue();
        assertThat(get("/google/v1beta/models", "x-goog-api-key", "wrong").statusCode())
                .isEqualTo(401);
        assertThat(get("/azure/openai/models?api-version=2024-10-21", "api-key", "sim-azure-key")
                        .statusCode())
                .isEqualTo(200);
        assertThat(get("/azure/openai/models?api-version=2024-10-21", "Authorization", "Bearer sim-azure-key")
                        .statusCode())
                .isEqualTo(401);
    }

    @Test
    void controlEndpointSetsTheNewFaultsAndDeleteResets() throws Exception {
        HttpResponse<String> put = send(
                "PUT",
                "/_sim/providers/together",
                "{\"ttft_ms\":1,\"inter_token_ms\":1,\"tokens\":6,\"truncate_after_tokens\":2,\"drip_bytes\":0}");
        assertThat(put.statusCode()).isEqualTo(200);
        assertThat(json(put.body()).path("truncateAfterTokens").asInt()).isEqualTo(2);
        String stream = CHAT.replace("]}", "],\"stream\":true}");
        assertThat(dataLines(post("/together/v1/chat/completions", stream, "Authorization", bearer("together"))
                        .body()))
                .hasSize(3)
                .doesNotContain("[DONE]");
        assertThat(send("DELETE", "/_sim/providers", null).statusCode()).isEqualTo(204);
        assertThat(dataLines(post("/together/v1/chat/completions", stream, "Authorization", bearer("together"))
                        .body()))
                .contains("[DONE]");
        assertThat(json(send("GET", "/_sim/stats", null).body())
                        .at("/providers/together/requests")
                        .asLong())
                .isEqualTo(1);
        assertThat(send("PUT", "/_sim/providers/together", "[1]").statusCode()).isEqualTo(400);
    }

    @Test
    void configFileSetsCredentialsBehaviourAndQuirks(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("sim.json");
        Files.writeString(file, """
                {"providers":{
                  "acme":{"credential":"acme-secret","behaviour":{"ttft_ms":1,"inter_token_ms":1,"tokens":2}},
                  "groq":{"quirks":{"usage_always":true,"tool_call_id_prefix":"","tool_call_id_length":9}},
                  "bedrock":{"credential":"AKIDEXAMPLE:wJalrXUtnFEMI"}
                }}""");
        SimulatorConfig config =
                SimulatorConfig.fromEnvironment(Map.of("SIM_CONFIG", file.toString(), "SIM_KEY_GROQ", "groq-from-env"));
        assertThat(config.credential("acme")).isEqualTo("acme-secret");
        assertThat(config.credential("groq")).isEqualTo("groq-from-env");
        assertThat(config.quirks("groq").usageAlways()).isTrue();
        assertThat(config.quirks("groq").reasoningField()).isEqualTo("reasoning");
        assertThat(config.quirks("mistral").toolCallIdLength()).isEqualTo(9);
        assertThat(config.behaviour("acme").tokens()).isEqualTo(2);
        assertThat(config.behaviour("other")).isEqualTo(Behaviour.DEFAULT);

        Vertx own = Vertx.vertx();
        try {
            ProviderSimulator configured = new ProviderSimulator(own, config);
            int port = configured
                    .start("127.0.0.1", 0)
                    .toCompletionStage()
                    .toCompletableFuture()
                    .get()
                    .actualPort();
            String base = "http://127.0.0.1:" + port;
            HttpResponse<String> acme = HTTP.send(
                    HttpRequest.newBuilder(java.net.URI.create(base + "/acme/v1/chat/completions"))
                            .header("Authorization", "Bearer acme-secret")
                            .POST(HttpRequest.BodyPublishers.ofString(CHAT))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(json(acme.body()).at("/choices/0/finish_reason").asText())
                    .isEqualTo("stop");
            assertThat(json(acme.body()).at("/usage/completion_tokens").asInt()).isBetween(1, 6);
            HttpResponse<String> groq = HTTP.send(
                    HttpRequest.newBuilder(java.net.URI.create(base + "/groq/openai/v1/chat/completions"))
                            .header("Authorization", "Bearer groq-from-env")
                            .POST(HttpRequest.BodyPublishers.ofString(CHAT.replace("]}", "],\"stream\":true}")))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            List<String> data = dataLines(groq.body());
            assertThat(json(data.get(data.size() - 2)).at("/usage/total_tokens").asInt())
                    .isPositive();
        } finally {
            own.close().toCompletionStage().toCompletableFuture().get();
        }
    }

    @Test
    void invalidConfigIsRefused() {
        assertThatThrownBy(() -> SimulatorConfig.parse("{\"providers\":{\"groq\":{\"quirks\":{\"no_such_quirk\":1}}}}"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SimulatorConfig.parse("[]")).isInstanceOf(IllegalArgumentException.class);
    }
}
