package dev.switchboard.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FaultsTest extends SimulatorHarness {

    static final String OPENAI =
            "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"stream\":true}";
    static final String ANTHROPIC =
            "{\"model\":\"claude-sonnet-4\",\"max_tokens\":100,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"stream\":true}";
    static final String GEMINI = "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"hi\"}]}]}";
    static final String COHERE =
            "{\"model\":\"command-a\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"stream\":true}";

    /** Six tokens, 1 ms apart, with the given stream faults. */
    static Behaviour faults(int malformed, int truncate, int streamError) {
        return new Behaviour(1, 1, 6, 0, 0, 0, 0, malformed, truncate, streamError, 0, 0);
    }

    static String openAi(String provider) throws Exception {
        return post("/" + provider + "/v1/chat/completions", OPENAI, "Authorization", bearer(provider))
                .body();
    }

    static String anthropic() throws Exception {
        return post(
                        "/anthropic/v1/messages",
                        ANTHROPIC,
                        "x-api-key",
                        ProviderSimulator.defaultCredential("anthropic"),
                        "anthropic-version",
                        "2023-06-01")
                .body();
    }

    static String gemini(String query) throws Exception {
        return post(
                        "/google/v1beta/models/gemini-2.0-flash:streamGenerateContent" + query,
                        GEMINI,
                        "x-goog-api-key",
                        ProviderSimulator.defaultCredential("google"))
                .body();
    }

    static String cohere() throws Exception {
        return post("/cohere/v2/chat", COHERE, "Authorization", bearer("cohere"))
                .body();
    }

    @Test
    void truncateEndsCleanlyWithoutTheTerminalMarker() throws Exception {
        simulator.behave("openai", faults(0, 3, 0));
        List<String> data = dataLines(openAi("openai"));
        assertThat(data).hasSize(4).doesNotContain("[DONE]");
        assertThat(data)
                .allSatisfy(
                        d -> assertThat(json(d).at("/choices/0/finish_reason").isNull())
                                .isTrue());

        simulator.behave("anthropic", faults(0, 3, 0));
        List<Event> events = events(anthropic());
        assertThat(events.getLast().type()).isEqualTo("content_block_delta");
        assertThat(events).extracting(Event::type).doesNotContain("message_delta", "message_stop");

        simulator.behave("google", faults(0, 3, 0));
        String sse = gemini("?alt=sse");
        assertThat(sse.split("\r\n\r\n")).hasSize(3);
        assertThat(sse).doesNotContain("finishReason");
        assertThat(gemini("")).doesNotEndWith("]").doesNotContain("finishReason");

        simulator.behave("cohere", faults(0, 3, 0));
        assertThat(events(cohere())).extracting(Event::type).doesNotContain("message-end");
    }

    @Test
    void malformedEventThenSilenceThenEnd() throws Exception {
        simulator.behave("openai", new Behaviour(1, 60, 6, 0, 0, 0, 0, 2, 0, 0, 0, 0));
        long started = System.nanoTime();
        List<String> data = dataLines(openAi("openai"));
        long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        assertThat(data).hasSize(4);
        assertThat(Json.parse(data.getLast()).isMissingNode()).isTrue();
        assertThat(elapsedMs).isGreaterThanOrEqualTo(300);

        simulator.behave("anthropic", faults(2, 0, 0));
        String body = anthropic();
        String last = body.strip().substring(body.strip().lastIndexOf("data: ") + 6);
        assertThat(Json.parse(last).isMissingNode()).isTrue();

        simulator.behave("google", faults(2, 0, 0));
        assertThat(Json.parse(gemini("")).isMissingNode()).isTrue();
    }

    @Test
    void streamErrorsInEachFamilysFormat() throws Exception {
        simulator.behave("openai", faults(0, 0, 2));
        List<String> data = dataLines(openAi("openai"));
        assertThat(data).hasSize(4);
        assertThat(json(data.getLast()).at("/error/type").asText()).isEqualTo("server_error");

        simulator.behave("anthropic", faults(0, 0, 2));
        Event error = events(anthropic()).getLast();
        assertThat(error.type()).isEqualTo("error");
        assertThat(error.data().at("/error/type").asText()).isEqualTo("overloaded_error");

        simulator.behave("google", faults(0, 0, 2));
        String[] sse = gemini("?alt=sse").split("\r\n\r\n");
        assertThat(json(sse[sse.length - 1].substring(6)).at("/error/status").asText())
                .isEqualTo("UNAVAILABLE");
        JsonNode array = json(gemini(""));
        assertThat(array.get(array.size() - 1).at("/error/code").asInt()).isEqualTo(503);

        simulator.behave("cohere", faults(0, 0, 2));
        Event end = events(cohere()).getLast();
        assertThat(end.type()).isEqualTo("message-end");
        assertThat(end.data().at("/delta/finish_reason").asText()).isEqualTo("ERROR");
        assertThat(end.data().at("/delta/error").asText()).isNotBlank();
    }

    @Test
    void failStatusInEachFamilysShapeIncluding529() throws Exception {
        simulator.behave("anthropic", new Behaviour(1, 1, 5, 529, 1, 0, 0));
        HttpResponse<String> overloaded = post(
                "/anthropic/v1/messages",
                ANTHROPIC,
                "x-api-key",
                ProviderSimulator.defaultCredential("anthropic"),
                "anthropic-version",
                "2023-06-01");
        assertThat(overloaded.statusCode()).isEqualTo(529);
        assertThat(json(overloaded.body()).at("/error/type").asText()).isEqualTo("overloaded_error");
        assertThat(json(overloaded.body()).path("type").asText()).isEqualTo("error");

        simulator.behave("google", new Behaviour(1, 1, 5, 429, 1, 7, 0));
        HttpResponse<String> exhausted = post(
                "/google/v1beta/models/gemini-2.0-flash:generateContent",
                GEMINI,
                "x-goog-api-key",
                ProviderSimulator.defaultCredential("google"));
        assertThat(exhausted.statusCode()).isEqualTo(429);
        assertThat(json(exhausted.body()).at("/error/status").asText()).isEqualTo("RESOURCE_EXHAUSTED");
        assertThat(exhausted.headers().firstValue("retry-after")).hasValue("7");

        simulator.behave("cohere", new Behaviour(1, 1, 5, 500, 1, 0, 0));
        HttpResponse<String> failed = post("/cohere/v2/chat", COHERE, "Authorization", bearer("cohere"));
        assertThat(failed.statusCode()).isEqualTo(500);
        assertThat(json(failed.body()).path("message").asText()).isNotBlank();
    }

    @Test
    void dripWritesSmallPiecesSpacedApart() throws Exception {
        simulator.behave("openai", new Behaviour(1, 1, 2, 0, 0, 0, 0, 0, 0, 0, 16, 5));
        HttpClient http1 =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        List<Integer> sizes = new ArrayList<>();
        CompletableFuture<Void> done = new CompletableFuture<>();
        long started = System.nanoTime();
        HttpResponse<Void> response = http1.send(
                request("/openai/v1/chat/completions", OPENAI, "Authorization", bearer("openai")),
                HttpResponse.BodyHandlers.fromSubscriber(new Flow.Subscriber<List<ByteBuffer>>() {
                    @Override
                    public void onSubscribe(Flow.Subscription subscription) {
                        subscription.request(Long.MAX_VALUE);
                    }

                    @Override
                    public void onNext(List<ByteBuffer> item) {
                        item.forEach(b -> sizes.add(b.remaining()));
                    }

                    @Override
                    public void onError(Throwable throwable) {
                        done.completeExceptionally(throwable);
                    }

                    @Override
                    public void onComplete() {
                        done.complete(null);
                    }
                }));
        done.get(10, TimeUnit.SECONDS);
        long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        int total = sizes.stream().mapToInt(Integer::intValue).sum();
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(sizes).allSatisfy(s -> assertThat(s).isLessThanOrEqualTo(16));
        assertThat(sizes.size()).isGreaterThanOrEqualTo(total / 16);
        assertThat(elapsedMs).isGreaterThanOrEqualTo(5L * (total / 16 - 1));

        simulator.behave("anthropic", new Behaviour(1, 1, 3, 0, 0, 0, 0, 0, 0, 0, 10, 1));
        HttpResponse<String> whole = post(
                "/anthropic/v1/messages",
                ANTHROPIC.replace(",\"stream\":true", ""),
                "x-api-key",
                ProviderSimulator.defaultCredential("anthropic"),
                "anthropic-version",
                "2023-06-01");
        assertThat(json(whole.body()).path("type").asText()).isEqualTo("message");
    }

    @Test
    void resetDropsTheConnectionOrStreamAndIsNotACancellation() {
        simulator.behave("openai", new Behaviour(1, 1, 20, 0, 0, 0, 3));
        for (HttpClient.Version version : HttpClient.Version.values()) {
            HttpClient client = HttpClient.newBuilder().version(version).build();
            assertThatThrownBy(() -> client.send(
                            request("/openai/v1/chat/completions", OPENAI, "Authorization", bearer("openai")),
                            HttpResponse.BodyHandlers.ofString()))
                    .as(version.name())
                    .isInstanceOf(IOException.class);
        }
        assertThat(simulator.cancelled("openai")).isZero();
    }

    @Test
    void aCallerHangingUpIsCountedAsCancelled() throws Exception {
        simulator.behave("openai", new Behaviour(1, 50, 100, 0, 0, 0, 0));
        HttpClient http1 =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpResponse<InputStream> response = http1.send(
                request("/openai/v1/chat/completions", OPENAI, "Authorization", bearer("openai")),
                HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream body = response.body()) {
            assertThat(body.read(new byte[64])).isPositive();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (simulator.cancelled("openai") == 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(simulator.cancelled("openai")).isEqualTo(1);
        assertThat(simulator
                        .stats()
                        .at("/providers/openai/by_family/openai/cancelled")
                        .asLong())
                .isEqualTo(1);
    }
}
