package dev.switchboard.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** One simulator per test class, reset before each test, and the HTTP helpers the family tests share. */
abstract class SimulatorHarness {

    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static Vertx vertx;
    static ProviderSimulator simulator;

    @BeforeAll
    static void startSimulator() throws Exception {
        vertx = Vertx.vertx();
        simulator = new ProviderSimulator(vertx, Map.of());
        simulator
                .start("127.0.0.1", 0)
                .toCompletionStage()
                .toCompletableFuture()
                .get();
    }

    @AfterAll
    static void stopSimulator() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get();
    }

    @BeforeEach
    void resetSimulator() {
        simulator.reset();
    }

    /** Fast answers, so tests do not wait on the default latency. */
    static Behaviour quick(int tokens) {
        return new Behaviour(1, 1, tokens, 0, 0, 0, 0);
    }

    static URI uri(String path) {
        return URI.create("http://127.0.0.1:" + simulator.port() + path);
    }

    /** POST with headers given as name, value, name, value... */
    static HttpResponse<String> post(String path, String body, String... headers) throws Exception {
        return HTTP.send(request(path, body, headers), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<byte[]> postBytes(String path, String body, String... headers) throws Exception {
        return HTTP.send(request(path, body, headers), HttpResponse.BodyHandlers.ofByteArray());
    }

    static HttpRequest request(String path, String body, String... headers) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri(path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) {
            builder.header(headers[i], headers[i + 1]);
        }
        return builder.build();
    }

    static String bearer(String provider) {
        return "Bearer " + ProviderSimulator.defaultCredential(provider);
    }

    static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }

    /** The payloads of {@code data: } lines, in order. */
    static List<String> dataLines(String body) {
        return body.lines()
                .filter(l -> l.startsWith("data: "))
                .map(l -> l.substring(6))
                .toList();
    }

    record Event(String type, JsonNode data) {}

    /** {@code event: <type>\ndata: <json>} blocks, in order. */
    static List<Event> events(String body) {
        List<Event> out = new ArrayList<>();
        for (String block : body.split("\n\n")) {
            String type = null;
            String data = null;
            for (String line : block.split("\n")) {
                if (line.startsWith("event: ")) {
                    type = line.substring(7);
                } else if (line.startsWith("data: ")) {
                    data = line.substring(6);
                }
            }
            if (type != null && data != null) {
                out.add(new Event(type, json(data)));
            }
        }
        return out;
    }
}
