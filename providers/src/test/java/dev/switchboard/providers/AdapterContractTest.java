package dev.switchboard.providers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.catalog.Catalog;
import dev.switchboard.catalog.CatalogLoader;
import dev.switchboard.catalog.EndpointSpec;
import dev.switchboard.catalog.ProviderSpec;
import dev.switchboard.providers.framing.FrameDecoder;
import dev.switchboard.testsupport.Specs;
import dev.switchboard.wire.ChatRequest;
import dev.switchboard.wire.ErrorClass;
import dev.switchboard.wire.RouteEvent;
import dev.switchboard.wire.WireCodec;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

/**
 * The contract every {@link ProviderAdapter} passes. A family's test extends this class, names its
 * fixture folder and says where the credential goes; the cases are files under
 * {@code src/test/resources/fixtures/<family>/}, so adding a case is adding a file:
 * <ul>
 *   <li>{@code requests/*.json}: an internal request ({@code request}, {@code provider}, {@code model},
 *       {@code max_tokens}) and the provider request it must become ({@code expect.url},
 *       {@code expect.headers} (a subset), {@code expect.body}), or {@code expect.failure} (an error class);
 *       bodies are also validated against the family's official OpenAPI description when it has one;</li>
 *   <li>{@code streams/*.json}: provider {@code frames} ({@code event}, {@code data} as JSON or raw text),
 *       or a {@code raw} body, and the internal events they must become ({@code expect.events},
 *       {@code expect.completed}, {@code expect.usage}, or {@code expect.failure}); each body is fed
 *       through the router's real frame decoder whole, byte by byte and in odd-sized chunks;</li>
 *   <li>{@code errors.json}: error responses ({@code status}, {@code headers}, {@code body}) and their
 *       error {@code class};</li>
 *   <li>{@code embeddings/*.json}: inputs, the provider request, a provider response and the vectors read.</li>
 * </ul>
 * Beyond the files, every adapter must: refuse to call a stream complete when its last frame is
 * missing, fail on malformed JSON and (for families with named events) unknown event types, classify
 * any error body without throwing, and never put the credential in a URL or body.
 */
public abstract class AdapterContractTest {

    protected static final ObjectMapper JSON = new ObjectMapper();
    protected static final Catalog CATALOG = CatalogLoader.builtIn();

    /** The adapter under test. */
    protected abstract ProviderAdapter adapter();

    /** Asserts that {@code request} presents {@code credential} the way {@code provider} expects it. */
    protected abstract void assertCredentialPresented(
            ProviderSpec provider, UpstreamRequest request, String credential);

    /** The credential the tests give the adapter for {@code provider}. */
    protected String credential(ProviderSpec provider) {
        return "test-credential-" + provider.name();
    }

    /** Whether the family names its stream events (then an unknown name must fail the stream). */
    protected boolean namedEvents() {
        return true;
    }

    /**
     * The official schema a chat request body to {@code provider} must satisfy: {spec file, component},
     * or null when the family has no published description.
     */
    protected String[] requestSchema(ProviderSpec provider) {
        return null;
    }

    private String family() {
        return adapter().family();
    }

    // ---- requests ------------------------------------------------------------------------------

    @TestFactory
    Stream<DynamicTest> requests() {
        return cases("requests")
                .map(c -> DynamicTest.dynamicTest(c.name(), () -> {
                    JsonNode f = c.json();
                    ProviderSpec provider = provider(f);
                    EndpointSpec endpoint = endpoint(f, provider);
                    ChatRequest request = request(f);
                    int maxTokens = f.path("max_tokens").asInt(endpoint.maxOutputTokens());
                    JsonNode expect = f.path("expect");
                    if (expect.has("failure")) {
                        assertThatThrownBy(() -> adapter()
                                        .toUpstream(provider, endpoint, request, maxTokens, credential(provider)))
                                .isInstanceOfSatisfying(
                                        UpstreamFailure.class,
                                        e -> assertThat(e.errorClass())
                                                .isEqualTo(ErrorClass.valueOf(
                                                        expect.path("failure").asText())));
                        return;
                    }
                    UpstreamRequest upstream =
                            adapter().toUpstream(provider, endpoint, request, maxTokens, credential(provider));
                    assertThat(upstream.url()).isEqualTo(expect.path("url").asText());
                    expect.path("headers")
                            .properties()
                            .forEach(h -> assertThat(header(upstream, h.getKey()))
                                    .as("header %s", h.getKey())
                                    .isEqualTo(h.getValue().asText()));
                    assertJsonEquals(JSON.readTree(upstream.body()), expect.path("body"));
                    assertCredentialPresented(provider, upstream, credential(provider));
                    assertCredentialOnlyInHeaders(upstream, credential(provider));
                    String[] schema = requestSchema(provider);
                    if (schema != null) {
                        Specs.assertComponent(
                                schema[0], schema[1], new String(upstream.body(), StandardCharsets.UTF_8));
                    }
                }));
    }

    /** A body the family's request schema must refuse (a sampling field of the wrong type). */
    protected String invalidRequestBody() {
        return "{\"temperature\":\"hot\"}";
    }

    @Test
    void theRequestSchemaIsRealEnoughToRejectAMistypedBody() {
        String[] schema = requestSchema(anyProvider());
        if (schema != null) {
            assertThat(Specs.componentErrors(schema[0], schema[1], invalidRequestBody()))
                    .isNotEmpty();
        }
    }

    protected static String header(UpstreamRequest request, String name) {
        return request.headers().entrySet().stream()
                .filter(e -> e.getKey().equalsIgnoreCase(name))
                .map(Map.Entry::getValue)
                .findFirst()
                .orElse(null);
    }

    private static void assertCredentialOnlyInHeaders(UpstreamRequest request, String credential) {
        for (String secret : credential.split(":")) {
            // a Bedrock credential is "access key id:secret": the id may appear in a header, neither in URL or body
            assertThat(request.url()).doesNotContain(secret);
            assertThat(new String(request.body(), StandardCharsets.UTF_8)).doesNotContain(secret);
        }
    }

    // ---- streams -------------------------------------------------------------------------------

    @TestFactory
    Stream<DynamicTest> streams() {
        return cases("streams")
                .flatMap(c -> Stream.of(0, 1, 7)
                        .map(chunk -> DynamicTest.dynamicTest(
                                c.name() + (chunk == 0 ? " (whole)" : " (chunks of " + chunk + " bytes)"), () -> {
                                    JsonNode f = c.json();
                                    JsonNode expect = f.path("expect");
                                    Fed fed = feed(f, body(f, -1), chunk);
                                    List<RouteEvent> expected = new ArrayList<>();
                                    for (JsonNode e : expect.path("events")) {
                                        expected.add(WireCodec.decodeEvent(JSON.writeValueAsBytes(e)));
                                    }
                                    assertThat(fed.events()).isEqualTo(expected);
                                    if (expect.has("failure")) {
                                        assertThat(fed.failure())
                                                .as("the stream must fail")
                                                .isNotNull();
                                        assertThat(fed.failure().errorClass())
                                                .isEqualTo(ErrorClass.valueOf(
                                                        expect.path("failure").asText()));
                                        return;
                                    }
                                    assertThat(fed.failure())
                                            .as("unexpected failure")
                                            .isNull();
                                    assertThat(fed.translator().completed())
                                            .isEqualTo(expect.path("completed").asBoolean(true));
                                    StreamTranslator.ReportedUsage usage =
                                            expect.path("usage").isObject()
                                                    ? JSON.treeToValue(
                                                            expect.path("usage"), StreamTranslator.ReportedUsage.class)
                                                    : null;
                                    assertThat(fed.translator().reportedUsage()).isEqualTo(usage);
                                })));
    }

    @TestFactory
    Stream<DynamicTest> aStreamMissingItsLastFrameNeverCompletes() {
        return cases("streams")
                .filter(c -> c.json().has("frames")
                        && !c.json().path("expect").has("failure")
                        && c.json().path("expect").path("completed").asBoolean(true))
                .map(c -> DynamicTest.dynamicTest(c.name(), () -> {
                    JsonNode f = c.json();
                    Fed fed = feed(f, body(f, f.path("frames").size() - 1), 0);
                    assertThat(fed.failure() != null || !fed.translator().completed())
                            .as("a body cut before its last frame must not count as complete")
                            .isTrue();
                }));
    }

    @Test
    void malformedJsonFailsTheStream() {
        JsonNode first = firstCompleteStream().path("frames").get(0);
        String event = first.path("event").isTextual() ? first.path("event").asText() : null;
        StreamTranslator translator = adapter().newTranslator(anyProvider(), anyEndpoint(), simpleRequest());
        assertThatThrownBy(() -> translator.onEvent(event, "{\"broken\": tru")).isInstanceOf(UpstreamFailure.class);
    }

    @Test
    void anUnknownEventTypeFailsTheStream() {
        if (!namedEvents()) {
            return;
        }
        StreamTranslator translator = adapter().newTranslator(anyProvider(), anyEndpoint(), simpleRequest());
        assertThatThrownBy(() -> translator.onEvent("surprise_event", "{}")).isInstanceOf(UpstreamFailure.class);
    }

    // ---- errors --------------------------------------------------------------------------------

    @TestFactory
    Stream<DynamicTest> errors() {
        Path file = folder().resolve("errors.json");
        if (!Files.exists(file)) {
            return Stream.of(DynamicTest.dynamicTest("errors.json exists", () -> fail("missing " + file)));
        }
        JsonNode cases = read(file);
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : cases) {
            tests.add(DynamicTest.dynamicTest(
                    c.path("status").asInt() + " " + c.path("class").asText() + " "
                            + c.path("name").asText(""),
                    () -> {
                        Map<String, String> headers = new HashMap<>();
                        c.path("headers")
                                .properties()
                                .forEach(h -> headers.put(
                                        h.getKey().toLowerCase(java.util.Locale.ROOT),
                                        h.getValue().asText()));
                        byte[] body = c.path("body").isTextual()
                                ? c.path("body").asText().getBytes(StandardCharsets.UTF_8)
                                : JSON.writeValueAsBytes(c.path("body"));
                        UpstreamFailure failure = adapter()
                                .classifyError(
                                        c.path("status").asInt(),
                                        name -> headers.get(name.toLowerCase(java.util.Locale.ROOT)),
                                        body);
                        assertThat(failure.errorClass())
                                .isEqualTo(ErrorClass.valueOf(c.path("class").asText()));
                        assertThat(failure.httpStatus())
                                .isEqualTo(c.path("status").asInt());
                        if (c.has("message_contains")) {
                            assertThat(failure.getMessage())
                                    .contains(c.path("message_contains").asText());
                        }
                    }));
        }
        return tests.stream();
    }

    @Test
    void anyErrorBodyIsClassifiedWithoutThrowing() {
        List<byte[]> bodies = List.of(
                new byte[0],
                "<html>502 Bad Gateway</html>".getBytes(StandardCharsets.UTF_8),
                "{\"error\":".getBytes(StandardCharsets.UTF_8),
                "[]".getBytes(StandardCharsets.UTF_8),
                new byte[] {(byte) 0xff, 0x00, 0x13});
        for (byte[] body : bodies) {
            assertThat(adapter()
                            .classifyError(429, ProviderAdapter.Headers.NONE, body)
                            .errorClass())
                    .isEqualTo(ErrorClass.RATE_LIMITED);
            assertThat(adapter()
                            .classifyError(500, ProviderAdapter.Headers.NONE, body)
                            .errorClass())
                    .isEqualTo(ErrorClass.UPSTREAM);
            assertThat(adapter()
                            .classifyError(503, ProviderAdapter.Headers.NONE, body)
                            .errorClass())
                    .isEqualTo(ErrorClass.OVERLOADED);
            assertThat(adapter()
                            .classifyError(401, ProviderAdapter.Headers.NONE, body)
                            .errorClass())
                    .isEqualTo(ErrorClass.AUTH);
        }
    }

    // ---- providers and embeddings ------------------------------------------------------------------

    @Test
    void everyCatalogProviderOfTheFamilyIsAccepted() {
        List<ProviderSpec> providers = CATALOG.providers().stream()
                .filter(p -> p.family().equals(family()))
                .toList();
        assertThat(providers).isNotEmpty();
        providers.forEach(adapter()::configure);
        ProviderSpec bogus = new ProviderSpec(
                "bogus",
                "Bogus",
                family(),
                "https://example.test",
                "bogus",
                Map.of("no_such_option", "x"),
                ProviderSpec.DataPolicy.DEFAULT);
        assertThatThrownBy(() -> adapter().configure(bogus))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bogus");
    }

    /**
     * A copy of {@code provider} with other valid options, as a catalog reload could carry, that
     * change the provider request; null for a family without options.
     */
    protected ProviderSpec withOtherOptions(ProviderSpec provider) {
        return null;
    }

    /**
     * A candidate catalog is configured before it is accepted or rejected; neither may change the
     * requests of the spec in force, and an accepted one is used from its first request.
     */
    @Test
    void configuringACandidateSpecLeavesTheSpecInForceAlone() throws IOException {
        ProviderSpec inForce = anyProvider();
        ProviderSpec candidate = withOtherOptions(inForce);
        org.junit.jupiter.api.Assumptions.assumeTrue(candidate != null, "the family has no options");
        EndpointSpec endpoint = anyEndpoint();
        UpstreamRequest before = adapter().toUpstream(inForce, endpoint, simpleRequest(), 64, credential(inForce));
        adapter().configure(candidate);
        UpstreamRequest after = adapter().toUpstream(inForce, endpoint, simpleRequest(), 64, credential(inForce));
        assertThat(after.url()).isEqualTo(before.url());
        assertThat(after.headers()).isEqualTo(before.headers());
        assertThat(JSON.readTree(after.body())).isEqualTo(JSON.readTree(before.body()));
        UpstreamRequest reloaded =
                adapter().toUpstream(candidate, endpoint, simpleRequest(), 64, credential(candidate));
        assertThat(List.of(reloaded.url(), reloaded.headers(), JSON.readTree(reloaded.body())))
                .isNotEqualTo(List.of(before.url(), before.headers(), JSON.readTree(before.body())));
    }

    @TestFactory
    Stream<DynamicTest> embeddings() {
        return cases("embeddings")
                .map(c -> DynamicTest.dynamicTest(c.name(), () -> {
                    JsonNode f = c.json();
                    assertThat(adapter().embeds()).isTrue();
                    ProviderSpec provider = provider(f);
                    EndpointSpec endpoint = endpoint(f, provider);
                    List<String> inputs = new ArrayList<>();
                    f.path("inputs").forEach(i -> inputs.add(i.asText()));
                    Integer dimensions =
                            f.path("dimensions").isInt() ? f.path("dimensions").asInt() : null;
                    UpstreamRequest upstream =
                            adapter().toEmbeddings(provider, endpoint, inputs, dimensions, credential(provider));
                    assertThat(upstream.url())
                            .isEqualTo(f.path("expect").path("url").asText());
                    assertJsonEquals(
                            JSON.readTree(upstream.body()), f.path("expect").path("body"));
                    assertCredentialPresented(provider, upstream, credential(provider));
                    assertCredentialOnlyInHeaders(upstream, credential(provider));
                    ProviderAdapter.Embeddings read =
                            adapter().readEmbeddings(JSON.writeValueAsBytes(f.path("response")), inputs.size());
                    List<float[]> expected = new ArrayList<>();
                    f.path("vectors").forEach(v -> expected.add(Payloads.floats(v)));
                    assertThat(read.vectors()).hasSameSizeAs(expected);
                    for (int i = 0; i < expected.size(); i++) {
                        assertThat(read.vectors().get(i)).containsExactly(expected.get(i));
                    }
                    assertThat(read.promptTokens())
                            .isEqualTo(
                                    f.path("prompt_tokens").isInt()
                                            ? f.path("prompt_tokens").asInt()
                                            : null);
                    assertThatThrownBy(() -> adapter()
                                    .readEmbeddings(
                                            "{\"unexpected\":true}".getBytes(StandardCharsets.UTF_8), inputs.size()))
                            .isInstanceOf(UpstreamFailure.class);
                }));
    }

    // ---- fixture plumbing --------------------------------------------------------------------------

    /** One fixture file. */
    protected record Case(String name, JsonNode json) {}

    private record Fed(StreamTranslator translator, List<RouteEvent> events, UpstreamFailure failure) {}

    private Fed feed(JsonNode f, byte[] body, int chunk) {
        StreamTranslator translator = adapter().newTranslator(provider(f), endpoint(f, provider(f)), request(f));
        List<RouteEvent> events = new ArrayList<>();
        FrameDecoder decoder = FrameDecoder.of(
                adapter().framing(),
                (event, data, offset, length) -> events.addAll(translator.onEvent(event, data, offset, length)),
                1 << 20);
        try {
            if (chunk <= 0) {
                decoder.feed(Buffer.buffer(body));
            } else {
                for (int i = 0; i < body.length; i += chunk) {
                    decoder.feed(
                            Buffer.buffer(java.util.Arrays.copyOfRange(body, i, Math.min(body.length, i + chunk))));
                }
            }
            decoder.end();
        } catch (UpstreamFailure failure) {
            return new Fed(translator, events, failure);
        } catch (IllegalStateException framing) {
            return new Fed(translator, events, UpstreamFailure.malformed(framing.getMessage()));
        }
        return new Fed(translator, events, null);
    }

    /** The body of a stream fixture, with only its first {@code frames} frames when that is not negative. */
    private byte[] body(JsonNode f, int frames) {
        if (f.has("raw")) {
            return f.path("raw").asText().getBytes(StandardCharsets.UTF_8);
        }
        String eol = f.path("line_ending").asText("\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Iterator<JsonNode> it = f.path("frames").iterator();
        for (int i = 0; it.hasNext() && (frames < 0 || i < frames); i++) {
            JsonNode frame = it.next();
            String event = frame.path("event").isTextual() ? frame.path("event").asText() : null;
            String data = frame.path("data").isTextual()
                    ? frame.path("data").asText()
                    : frame.path("data").toString();
            if (adapter().framing() == ProviderAdapter.Framing.AWS_EVENT_STREAM) {
                out.writeBytes(EventStreamEncoder.message(
                        event, data, frame.path("exception").asBoolean(false)));
            } else {
                StringBuilder sse = new StringBuilder();
                if (event != null) {
                    sse.append("event: ").append(event).append(eol);
                }
                for (String line : data.split("\n", -1)) {
                    sse.append("data: ").append(line).append(eol);
                }
                sse.append(eol);
                out.writeBytes(sse.toString().getBytes(StandardCharsets.UTF_8));
            }
        }
        return out.toByteArray();
    }

    private JsonNode firstCompleteStream() {
        return cases("streams")
                .map(Case::json)
                .filter(j -> j.has("frames")
                        && !j.path("expect").has("failure")
                        && j.path("expect").path("completed").asBoolean(true))
                .findFirst()
                .orElseThrow(() -> new AssertionError("the family needs at least one complete stream fixture"));
    }

    protected ProviderSpec anyProvider() {
        return CATALOG.providers().stream()
                .filter(p -> p.family().equals(family()))
                .findFirst()
                .orElseThrow();
    }

    private EndpointSpec anyEndpoint() {
        String provider = anyProvider().name();
        return CATALOG.models().stream()
                .flatMap(m -> m.endpoints().stream())
                .filter(e -> e.provider().equals(provider))
                .findFirst()
                .orElseThrow();
    }

    private static ChatRequest simpleRequest() {
        return ChatRequest.of(
                "x/y",
                List.of(dev.switchboard.wire.ChatMessage.text(dev.switchboard.wire.ChatMessage.Role.USER, "hi")),
                true);
    }

    protected static ProviderSpec provider(JsonNode f) {
        String name = f.path("provider").asText();
        return CATALOG.providers().stream()
                .filter(p -> p.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError("fixture names unknown provider " + name));
    }

    protected static EndpointSpec endpoint(JsonNode f, ProviderSpec provider) {
        String model = f.path("model").asText();
        return CATALOG.model(model)
                .flatMap(m -> m.endpoints().stream()
                        .filter(e -> e.provider().equals(provider.name()))
                        .findFirst())
                .orElseThrow(() -> new AssertionError("no endpoint of " + model + " at " + provider.name()));
    }

    protected static ChatRequest request(JsonNode f) {
        ObjectNode request =
                f.path("request").isObject() ? ((ObjectNode) f.path("request")).deepCopy() : JSON.createObjectNode();
        if (!request.has("models")) {
            request.putArray("models").add(f.path("model").asText("x/y"));
        }
        if (!request.has("messages")) {
            request.putArray("messages")
                    .addObject()
                    .put("role", "user")
                    .putArray("content")
                    .addObject()
                    .put("type", "text")
                    .put("text", "hi");
        }
        if (!request.has("stream")) {
            request.put("stream", true);
        }
        try {
            return WireCodec.mapper().treeToValue(request, ChatRequest.class);
        } catch (IOException e) {
            throw new UncheckedIOException("fixture request is not a ChatRequest", e);
        }
    }

    private Stream<Case> cases(String kind) {
        Path dir = folder().resolve(kind);
        if (!Files.isDirectory(dir)) {
            return Stream.empty();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files
                    .filter(p -> p.toString().endsWith(".json"))
                    .sorted()
                    .map(p -> new Case(kind + "/" + p.getFileName(), read(p)))
                    .toList()
                    .stream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Path folder() {
        try {
            var url = AdapterContractTest.class.getResource("/fixtures/" + family());
            if (url == null) {
                throw new AssertionError("no fixtures folder src/test/resources/fixtures/" + family());
            }
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode read(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read fixture " + file, e);
        }
    }

    /** JSON equality where numbers compare by value (1 equals 1.0 and a long 7 equals an int 7). */
    protected static void assertJsonEquals(JsonNode actual, JsonNode expected) {
        boolean equal = actual.equals(
                (a, b) -> {
                    if (a.isNumber() && b.isNumber()) {
                        return a.decimalValue().compareTo(b.decimalValue()) == 0 ? 0 : 1;
                    }
                    return a.equals(b) ? 0 : 1;
                },
                expected);
        if (!equal) {
            try {
                assertThat(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(actual))
                        .isEqualTo(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(expected));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            fail("JSON differs only in number representation: " + actual + " vs " + expected);
        }
    }
}
