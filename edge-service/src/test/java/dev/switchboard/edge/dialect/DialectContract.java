package dev.switchboard.edge.dialect;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.switchboard.wire.RouteEvent;
import dev.switchboard.wire.ToolCallDelta;
import dev.switchboard.wire.Usage;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * What every client dialect must do with the router's events, and golden fixtures of what it
 * writes. Each dialect's test extends this class and says how its own shapes carry text, tool
 * calls and the finish reason; the same scripted answers then go through the dialect twice, as a
 * stream and as one body, and must agree with each other and with the fixtures under
 * {@code src/test/resources/dialects/<name>/}.
 *
 * <p>A fixture is written when it is missing, or for every scenario with
 * {@code -Dgolden.update=true}; the test then fails so that a new or changed fixture is read before
 * it is committed.
 */
public abstract class DialectContract {

    /** Reads decimals as written (a cost stays 0.0000306) and writes them back the same way. */
    protected static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);

    private static final ObjectMapper PRETTY = JSON.copy().enable(SerializationFeature.INDENT_OUTPUT);
    private static final Path FIXTURES = Path.of("src/test/resources/dialects");
    protected static final String GENERATION_ID = "gen-1764129600-AbCdEfGhIjKlMnOpQrSt";
    protected static final long CREATED = 1_764_129_600L;
    protected static final String MODEL = "openai/gpt-4o-mini";

    /** The fixture directory's name. */
    protected abstract String name();

    /** A fresh writer for one request, as the edge makes it. */
    protected abstract ResponseDialect responses();

    /** The dialect's error body before anything was streamed. */
    protected abstract byte[] errorBody(int status, String message, Map<String, Object> metadata);

    /** The answer's text as a client reading the stream would assemble it. */
    protected abstract String streamedText(List<Event> events);

    protected abstract String bodyText(JsonNode body);

    /** Tool calls by id, arguments as JSON, from the stream (empty when the dialect has none). */
    protected abstract Map<String, JsonNode> streamedToolCalls(List<Event> events);

    protected abstract Map<String, JsonNode> bodyToolCalls(JsonNode body);

    /** The dialect's finish (stop) reason as the stream states it. */
    protected abstract String streamedFinish(List<Event> events);

    protected abstract String bodyFinish(JsonNode body);

    /** The message of an error written into a stream that had started. */
    protected abstract String streamedError(List<Event> events);

    /** The message in an error body. */
    protected abstract String errorMessage(JsonNode body);

    /** One server-sent event: its {@code event:} name (null when none) and its data (JSON, or null for {@code [DONE]}). */
    public record Event(String name, JsonNode data) {}

    /** A scripted router answer. */
    protected record Scenario(String name, List<RouteEvent> events) {}

    protected static final Usage USAGE = new Usage(12, 7, 0, 0, 30_600L, Usage.SOURCE_PROVIDER);

    static List<Scenario> scenarios() {
        JsonNode logprobs;
        try {
            logprobs = JSON.readTree(
                    "{\"content\":[{\"token\":\"Yes\",\"logprob\":-0.01,\"bytes\":[89,101,115],\"top_logprobs\":[]}]}");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return List.of(
                new Scenario(
                        "text",
                        List.of(
                                new RouteEvent.Routed("openai", MODEL, "gpt-4o-mini", 1, "openai", "weighted"),
                                RouteEvent.Delta.text("Hel"),
                                RouteEvent.Delta.text("lo, wörld \"quoted\""),
                                new RouteEvent.Finished("stop"),
                                new RouteEvent.Completed(USAGE))),
                new Scenario(
                        "tool_calls",
                        List.of(
                                new RouteEvent.Routed("groq", MODEL, "gpt-4o-mini", 1, "openai", "price"),
                                RouteEvent.Delta.text("Checking."),
                                new RouteEvent.Delta(
                                        null,
                                        null,
                                        List.of(new ToolCallDelta(0, "call_1", "get_weather", "{\"city\"", null))),
                                new RouteEvent.Delta(
                                        null, null, List.of(new ToolCallDelta(0, null, null, ":\"Paris\"}", null))),
                                new RouteEvent.Delta(
                                        null, null, List.of(new ToolCallDelta(1, "call_2", "get_time", "{}", null))),
                                new RouteEvent.Finished("tool_calls"),
                                new RouteEvent.Completed(USAGE))),
                new Scenario(
                        "reasoning",
                        List.of(
                                new RouteEvent.Routed(
                                        "anthropic",
                                        "anthropic/claude-sonnet-4",
                                        "claude-sonnet-4-20250514",
                                        1,
                                        "anthropic",
                                        "weighted"),
                                new RouteEvent.Delta(null, "Let me think", null),
                                new RouteEvent.Delta(null, " it over.", null),
                                new RouteEvent.Delta(null, null, "sig-1", null, List.of(), null),
                                new RouteEvent.Delta(null, null, null, "encrypted-1", List.of(), null),
                                RouteEvent.Delta.text("Answer."),
                                new RouteEvent.Finished("stop"),
                                new RouteEvent.Completed(USAGE))),
                new Scenario(
                        "length_with_logprobs",
                        List.of(
                                new RouteEvent.Routed("openai", MODEL, "gpt-4o-mini", 1, "openai", "weighted"),
                                new RouteEvent.Delta("Yes", null, null, null, List.of(), logprobs),
                                new RouteEvent.Finished("length"),
                                new RouteEvent.Completed(USAGE))),
                new Scenario(
                        "fallback",
                        List.of(
                                new RouteEvent.Routed("openai", MODEL, "gpt-4o-mini", 1, "openai", "weighted"),
                                new RouteEvent.Routed("azure", MODEL, "gpt-4o-mini", 2, "openai", "weighted"),
                                RouteEvent.Delta.text("Served by the second."),
                                new RouteEvent.Finished("stop"),
                                new RouteEvent.Completed(USAGE))));
    }

    /** The stream a client reads for {@code scenario}. */
    private String stream(Scenario scenario) {
        ResponseDialect out = responses();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        boolean started = false;
        for (RouteEvent event : scenario.events()) {
            switch (event) {
                case RouteEvent.Routed routed -> out.routed(routed);
                case RouteEvent.Delta delta -> {
                    if (!started) {
                        bytes.writeBytes(out.streamStart());
                        started = true;
                    }
                    bytes.writeBytes(out.delta(delta));
                }
                case RouteEvent.Finished finished -> bytes.writeBytes(out.finish(finished));
                case RouteEvent.Completed completed -> bytes.writeBytes(out.streamEnd(completed.usage()));
                case RouteEvent.Failed failed -> throw new IllegalArgumentException("scenarios end in success");
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** The one body a client gets for {@code scenario}. */
    private JsonNode body(Scenario scenario) throws IOException {
        return JSON.readTree(rawBody(scenario));
    }

    private String rawBody(Scenario scenario) {
        ResponseDialect out = responses();
        byte[] body = null;
        for (RouteEvent event : scenario.events()) {
            switch (event) {
                case RouteEvent.Routed routed -> out.routed(routed);
                case RouteEvent.Delta delta -> out.aggregate(delta);
                case RouteEvent.Finished finished -> out.finished(finished);
                case RouteEvent.Completed completed -> body = out.complete(completed.usage());
                case RouteEvent.Failed failed -> throw new IllegalArgumentException("scenarios end in success");
            }
        }
        assertThat(body).as("the body is written when the router completes").isNotNull();
        return new String(body, StandardCharsets.UTF_8);
    }

    @Test
    void streamsAndBodiesMatchTheirFixtures() throws IOException {
        List<String> written = new ArrayList<>();
        for (Scenario scenario : scenarios()) {
            golden(scenario.name() + ".sse", normalize(stream(scenario)), written);
            golden(scenario.name() + ".json", PRETTY.writeValueAsString(body(scenario)) + "\n", written);
        }
        ResponseDialect out = responses();
        out.routed(new RouteEvent.Routed("openai", MODEL, "gpt-4o-mini", 1, "openai", "weighted"));
        String failedStream = new String(out.streamStart(), StandardCharsets.UTF_8)
                + new String(out.delta(RouteEvent.Delta.text("partial")), StandardCharsets.UTF_8)
                + new String(out.streamError(502, "The provider failed"), StandardCharsets.UTF_8);
        golden("stream_error.sse", normalize(failedStream), written);
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("error_class", "rate_limited");
        metadata.put("provider_name", "openai");
        golden(
                "error_429.json",
                normalize(PRETTY.writeValueAsString(JSON.readTree(errorBody(429, "Rate limit exceeded", metadata))))
                        + "\n",
                written);
        if (!written.isEmpty()) {
            fail("fixtures written, read them and commit them: " + written);
        }
    }

    @Test
    void everyStreamIsWellFormedServerSentEvents() {
        for (Scenario scenario : scenarios()) {
            String text = stream(scenario);
            assertThat(text).as(scenario.name()).endsWith("\n\n");
            assertThat(events(text)).as(scenario.name()).isNotEmpty();
        }
    }

    @Test
    void numbersAreWrittenAsPlainDecimals() {
        for (Scenario scenario : scenarios()) {
            assertThat(stream(scenario) + rawBody(scenario))
                    .as(
                            "%s: no exponent notation (a cost of 3.06E-5 breaks clients that parse decimals)",
                            scenario.name())
                    .doesNotContainPattern("[0-9][eE][-+]?[0-9]");
        }
    }

    @Test
    void theStreamAndTheBodyTellTheSameAnswer() throws IOException {
        for (Scenario scenario : scenarios()) {
            List<Event> events = events(stream(scenario));
            JsonNode body = body(scenario);
            assertThat(streamedText(events)).as(scenario.name()).isEqualTo(bodyText(body));
            assertThat(streamedToolCalls(events)).as(scenario.name()).isEqualTo(bodyToolCalls(body));
            assertThat(streamedFinish(events)).as(scenario.name()).isEqualTo(bodyFinish(body));
        }
    }

    @Test
    void textToolCallsAndFinishReachTheClient() throws IOException {
        Scenario text = scenarios().get(0);
        assertThat(bodyText(body(text))).isEqualTo("Hello, wörld \"quoted\"");
        Scenario tools = scenarios().get(1);
        Map<String, JsonNode> calls = bodyToolCalls(body(tools));
        if (!calls.isEmpty()) {
            assertThat(calls).containsOnlyKeys("call_1", "call_2");
            assertThat(calls.get("call_1").path("city").asText()).isEqualTo("Paris");
        }
    }

    @Test
    void errorsCarryTheirMessageInBothPlaces() throws IOException {
        ResponseDialect out = responses();
        out.routed(new RouteEvent.Routed("openai", MODEL, "gpt-4o-mini", 1, "openai", "weighted"));
        String stream = new String(out.streamStart(), StandardCharsets.UTF_8)
                + new String(out.delta(RouteEvent.Delta.text("partial")), StandardCharsets.UTF_8)
                + new String(out.streamError(502, "The provider failed"), StandardCharsets.UTF_8);
        assertThat(streamedError(events(stream))).isEqualTo("The provider failed");
        for (int status : new int[] {400, 401, 402, 403, 404, 408, 413, 429, 500, 502, 503}) {
            assertThat(errorMessage(JSON.readTree(errorBody(status, "why " + status, Map.of()))))
                    .isEqualTo("why " + status);
        }
    }

    /** The first choice of every OpenAI-shaped chunk that has one. */
    protected static List<JsonNode> openAiChoices(List<Event> events) {
        return events.stream()
                .filter(e -> e.data() != null && e.data().path("choices").size() > 0)
                .map(e -> e.data().path("choices").get(0))
                .toList();
    }

    /** The last finish reason of OpenAI-shaped chunks. */
    protected static String openAiFinish(List<Event> events) {
        String finish = null;
        for (JsonNode choice : openAiChoices(events)) {
            if (choice.hasNonNull("finish_reason")) {
                finish = choice.get("finish_reason").asText();
            }
        }
        return finish;
    }

    /** The message of the first OpenAI-shaped chunk that carries an {@code error}. */
    protected static String openAiStreamError(List<Event> events) {
        return events.stream()
                .filter(e -> e.data() != null && e.data().has("error"))
                .map(e -> e.data().at("/error/message").asText())
                .findFirst()
                .orElse(null);
    }

    /** Parses a stream into its events; comment lines (keep-alives) are skipped. */
    protected static List<Event> events(String stream) {
        List<Event> events = new ArrayList<>();
        for (String block : stream.split("\n\n")) {
            if (block.isBlank()) {
                continue;
            }
            String name = null;
            String data = null;
            for (String line : block.split("\n")) {
                if (line.startsWith(":")) {
                    continue;
                }
                if (line.startsWith("event: ")) {
                    name = line.substring(7);
                } else if (line.startsWith("data: ")) {
                    assertThat(data).as("one data line per event").isNull();
                    data = line.substring(6);
                } else {
                    fail("not a server-sent event line: " + line);
                }
            }
            if (data == null) {
                continue;
            }
            try {
                events.add(new Event(name, data.equals("[DONE]") ? null : JSON.readTree(data)));
            } catch (IOException e) {
                fail("event data is not JSON: " + data);
            }
        }
        return events;
    }

    /** Request ids are random per error: fixtures hold a placeholder. */
    private static String normalize(String text) {
        return text.replaceAll("req_[0-9a-f]{32}", "req_<random>");
    }

    private void golden(String file, String actual, List<String> written) throws IOException {
        Path path = FIXTURES.resolve(name()).resolve(file);
        if (Boolean.getBoolean("golden.update") || !Files.exists(path)) {
            Files.createDirectories(path.getParent());
            Files.writeString(path, actual, StandardCharsets.UTF_8);
            written.add(path.toString());
            return;
        }
        String expected = Files.readString(path, StandardCharsets.UTF_8);
        // compared as events and JSON trees: the order of keys inside an object is not part of the contract
        if (file.endsWith(".sse")) {
            assertThat(events(actual)).as(path.toString()).isEqualTo(events(expected));
        } else {
            assertThat(JSON.readTree(actual)).as(path.toString()).isEqualTo(JSON.readTree(expected));
        }
    }

    protected static Map<String, JsonNode> parsedArguments(Map<String, StringBuilder> raw) {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        raw.forEach((id, arguments) -> {
            try {
                out.put(id, JSON.readTree(arguments.isEmpty() ? "{}" : arguments.toString()));
            } catch (IOException e) {
                fail("tool call " + id + " has arguments that are not JSON: " + arguments);
            }
        });
        return out;
    }
}
