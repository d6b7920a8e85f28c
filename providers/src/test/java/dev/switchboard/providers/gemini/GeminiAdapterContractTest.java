package dev.switchboard.providers.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.catalog.EndpointSpec;
import dev.switchboard.catalog.ProviderSpec;
import dev.switchboard.providers.AdapterContractTest;
import dev.switchboard.providers.ProviderAdapter;
import dev.switchboard.providers.UpstreamRequest;
import dev.switchboard.testsupport.Specs;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class GeminiAdapterContractTest extends AdapterContractTest {

    private final GeminiAdapter adapter = new GeminiAdapter();

    @Override
    protected ProviderAdapter adapter() {
        return adapter;
    }

    @Override
    protected boolean namedEvents() {
        return false;
    }

    @Override
    protected void assertCredentialPresented(ProviderSpec provider, UpstreamRequest request, String credential) {
        assertThat(header(request, "x-goog-api-key")).isEqualTo(credential);
        assertThat(header(request, "Authorization")).isNull();
        assertThat(request.url()).doesNotContain("key=");
    }

    @Override
    protected String[] requestSchema(ProviderSpec provider) {
        return new String[] {Specs.GEMINI, "GenerateContentRequest"};
    }

    /** Gemini's request schema is open at the top level; sampling lives under generationConfig. */
    @Override
    protected String invalidRequestBody() {
        return "{\"generationConfig\":{\"temperature\":\"hot\"}}";
    }

    /** The stream fixtures are written from Gemini's documented format: every chunk that is not an error must be a GenerateContentResponse. */
    @TestFactory
    Stream<DynamicTest> streamFixturesAreGenerateContentResponses() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (Path file : fixtures("streams")) {
            JsonNode fixture = JSON.readTree(file.toFile());
            int i = 0;
            for (JsonNode frame : fixture.path("frames")) {
                JsonNode data = frame.path("data");
                if (data.isObject() && !data.has("error")) {
                    tests.add(DynamicTest.dynamicTest(
                            file.getFileName() + " frame " + i,
                            () -> Specs.assertComponent(Specs.GEMINI, "GenerateContentResponse", data.toString())));
                }
                i++;
            }
        }
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> embeddingRequestsAreBatchEmbedContentsRequests() {
        return fixtures("embeddings").stream()
                .map(file -> DynamicTest.dynamicTest(file.getFileName().toString(), () -> {
                    JsonNode fixture = JSON.readTree(file.toFile());
                    ProviderSpec provider = provider(fixture);
                    EndpointSpec endpoint = endpoint(fixture, provider);
                    List<String> inputs = new ArrayList<>();
                    fixture.path("inputs").forEach(input -> inputs.add(input.asText()));
                    UpstreamRequest request = adapter.toEmbeddings(provider, endpoint, inputs, 8, "secret");
                    Specs.assertComponent(
                            Specs.GEMINI,
                            "BatchEmbedContentsRequest",
                            new String(request.body(), StandardCharsets.UTF_8));
                    Specs.assertComponent(
                            Specs.GEMINI,
                            "BatchEmbedContentsResponse",
                            fixture.path("response").toString());
                }));
    }

    @Test
    void generatedCallIdsAreStableAndDistinguishCalls() {
        assertThat(GeminiStreamTranslator.callId(0, "f", "{}"))
                .isEqualTo(GeminiStreamTranslator.callId(0, "f", "{}"))
                .matches("call_0_[0-9a-f]{8}");
        assertThat(GeminiStreamTranslator.callId(1, "f", "{}"))
                .isNotEqualTo(GeminiStreamTranslator.callId(0, "f", "{}"));
        assertThat(GeminiStreamTranslator.callId(0, "f", "{\"a\":1}"))
                .isNotEqualTo(GeminiStreamTranslator.callId(0, "f", "{}"));
    }

    @Test
    void mediaTypesComeFromTheLastPathSegmentsExtension() {
        assertThat(MediaTypes.fromName("https://example.test/a.b/photo.PNG?x=1.pdf#y.gif"))
                .isEqualTo("image/png");
        assertThat(MediaTypes.fromName("https://example.test/v1.2/file")).isNull();
        assertThat(MediaTypes.fromName("notes.")).isNull();
        assertThat(MediaTypes.fromName("archive.zip")).isNull();
        assertThat(MediaTypes.fromName(null)).isNull();
    }

    private static List<Path> fixtures(String kind) {
        try {
            Path dir = Path.of(GeminiAdapterContractTest.class
                    .getResource("/fixtures/gemini/" + kind)
                    .toURI());
            try (Stream<Path> files = Files.list(dir)) {
                return files.filter(p -> p.toString().endsWith(".json"))
                        .sorted()
                        .toList();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
