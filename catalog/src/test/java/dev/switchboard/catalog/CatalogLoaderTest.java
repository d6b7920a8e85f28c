package dev.switchboard.catalog;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CatalogLoaderTest {

    private static Catalog parse(String yaml) {
        return CatalogLoader.parse(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)), "test");
    }

    @Test
    void builtInCatalogLoadsAndEveryEndpointHasAKnownProvider() {
        Catalog catalog = CatalogLoader.builtIn();
        assertThat(catalog.models()).isNotEmpty();
        catalog.models().forEach(m -> m.endpoints().forEach(e -> assertThat(catalog.provider(e.provider())).isPresent()));
        assertThat(catalog.endpoint("openai/gpt-4o-mini", "openai")).get()
                .extracting(e -> e.prices().promptPico()).isEqualTo(150_000L);
    }

    @Test
    void unquotedPricesAreReadExactly() {
        Catalog catalog = parse("""
                providers: [{name: p, family: openai-chat, base_url: "http://x"}]
                models:
                  - id: a/b
                    context_length: 1000
                    endpoints: [{provider: p, upstream_model: b, max_output_tokens: 10, prices: {prompt: 0.075, completion: 1}}]
                """);
        assertThat(catalog.endpoint("a/b", "p").orElseThrow().prices().promptPico()).isEqualTo(75_000L);
        assertThat(catalog.endpoint("a/b", "p").orElseThrow().prices().completionPico()).isEqualTo(1_000_000L);
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        assertThatThrownBy(() -> parse("""
                providers:
                  - {name: p, family: smoke-signals, base_url: "ftp://x"}
                models:
                  - id: NotAnId
                    context_length: 1
                    endpoints: []
                  - id: a/b
                    context_length: 100
                    endpoints: [{provider: nobody, upstream_model: b, max_output_tokens: 10, prices: {prompt: "1", completion: "1"}}]
                  - id: a/c
                    context_length: 100
                    endpoints: [{provider: p, upstream_model: c, max_output_tokens: 1000, prices: {prompt: "1"}}]
                """))
                .isInstanceOfSatisfying(CatalogException.class, e -> assertThat(e.problems())
                        .anyMatch(s -> s.contains("family"))
                        .anyMatch(s -> s.contains("base_url"))
                        .anyMatch(s -> s.contains("NotAnId"))
                        .anyMatch(s -> s.contains("unknown provider"))
                        .anyMatch(s -> s.contains("max_output_tokens"))
                        .anyMatch(s -> s.contains("prompt and completion")));
    }

    @Test
    void unknownFieldsAndGarbageAreRejected() {
        assertThatThrownBy(() -> parse("providers: [{name: p, family: openai-chat, base_url: \"http://x\", colour: red}]"))
                .isInstanceOf(CatalogException.class).hasMessageContaining("not a catalog document");
        assertThatThrownBy(() -> parse(": : :")).isInstanceOf(CatalogException.class);
        assertThatThrownBy(() -> parse("")).isInstanceOf(CatalogException.class);
    }

    @Test
    void baseUrlsCanBeOverriddenWithoutEditingTheFile() {
        Catalog catalog = CatalogLoader.builtIn()
                .withBaseUrlOverrides(name -> Optional.ofNullable(Map.of("openai", "http://127.0.0.1:9/openai/v1").get(name)));
        assertThat(catalog.requireProvider("openai").baseUrl()).isEqualTo("http://127.0.0.1:9/openai/v1");
        assertThat(catalog.requireProvider("groq").baseUrl()).startsWith("https://api.groq.com");
    }
}
