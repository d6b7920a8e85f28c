package dev.switchboard.catalog;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Hot reload: a valid catalog replaces the one in force as a whole; anything else is rejected and the previous one stays. */
class LiveCatalogTest {

    /** A one-model catalog where the model's prompt price is {@code prompt} USD per million tokens. */
    static String document(String prompt) {
        return """
                providers:
                  - {name: acme, family: openai-chat, base_url: "https://api.acme.example/v1"}
                  - {name: globex, family: anthropic-messages, base_url: "https://api.globex.example"}
                models:
                  - id: acme/one
                    context_length: 8000
                    endpoints:
                      - {provider: acme, upstream_model: one, max_output_tokens: 1000, prices: {prompt: "%s", completion: "2"}}
                      - {provider: globex, upstream_model: one, max_output_tokens: 1000, prices: {prompt: "3", completion: "3"}}
                """.formatted(prompt);
    }

    static byte[] bytes(String document) {
        return document.getBytes(StandardCharsets.UTF_8);
    }

    static LiveCatalog live(String document) {
        return LiveCatalog.of(bytes(document), "start", name -> Optional.empty());
    }

    static long promptPico(LiveCatalog live) {
        return live.current()
                .endpoint("acme/one", "acme")
                .orElseThrow()
                .prices()
                .promptPico();
    }

    private LiveCatalog catalog;

    @AfterEach
    void close() {
        if (catalog != null) {
            catalog.close();
        }
    }

    @Test
    void aValidDocumentReplacesTheCatalogAndTellsTheListeners() {
        catalog = live(document("1"));
        Catalog before = catalog.current();
        List<Catalog> seen = new ArrayList<>();
        catalog.onChange(seen::add);

        LiveCatalog.Outcome outcome = catalog.offer(bytes(document("0.5")), "test");

        assertThat(outcome.accepted()).isTrue();
        assertThat(outcome.changed()).isTrue();
        assertThat(promptPico(catalog)).isEqualTo(500_000L);
        assertThat(catalog.revision()).isEqualTo(LiveCatalog.revisionOf(document("0.5")));
        assertThat(seen).containsExactly(catalog.current());
        // readers holding the old catalog keep a consistent one
        assertThat(before.endpoint("acme/one", "acme").orElseThrow().prices().promptPico())
                .isEqualTo(1_000_000L);
        assertThat(catalog.acceptedReloads()).isEqualTo(1);
    }

    @Test
    void theSameDocumentAgainChangesNothing() {
        catalog = live(document("1"));
        Catalog before = catalog.current();
        LiveCatalog.Outcome outcome = catalog.offer(bytes(document("1")), "test");
        assertThat(outcome.accepted()).isTrue();
        assertThat(outcome.changed()).isFalse();
        assertThat(catalog.current()).isSameAs(before);
        assertThat(catalog.acceptedReloads()).isZero();
    }

    @Test
    void anInvalidDocumentIsRejectedWithEveryProblemAndThePreviousStays() {
        catalog = live(document("1"));
        Catalog before = catalog.current();
        String broken = document("1")
                .replace("context_length: 8000", "context_length: 0")
                .replace("provider: globex", "provider: nobody");

        LiveCatalog.Outcome outcome = catalog.offer(bytes(broken), "test");

        assertThat(outcome.accepted()).isFalse();
        assertThat(outcome.problems())
                .anyMatch(p -> p.contains("context_length must be positive"))
                .anyMatch(p -> p.contains("endpoint nobody: unknown provider"));
        assertThat(catalog.current()).isSameAs(before);
        assertThat(catalog.rejectedReloads()).isEqualTo(1);
        assertThat(catalog.lastOutcome()).isEqualTo(outcome);
        // the same broken document again (the next poll of an unchanged file): judged once, not again
        assertThat(catalog.offer(bytes(broken), "test")).isSameAs(outcome);
        assertThat(catalog.rejectedReloads()).isEqualTo(1);

        assertThat(catalog.offer(bytes("models: [1, 2"), "test").problems())
                .singleElement()
                .asString()
                .startsWith("not a catalog document");
        assertThat(catalog.offer(bytes(""), "test").problems())
                .singleElement()
                .asString()
                .startsWith("not a catalog document");
        assertThat(catalog.current()).isSameAs(before);
    }

    @Test
    void anUnreadableSourceIsRejectedOnceUntilSomethingElseHappens() {
        catalog = live(document("1"));
        LiveCatalog.Outcome missing =
                catalog.reject("configmap ns/name key catalog.yaml", "ConfigMap has no key catalog.yaml");
        assertThat(missing.accepted()).isFalse();
        assertThat(catalog.rejectedReloads()).isEqualTo(1);
        // the informer's resync reports the same ConfigMap again: judged once, not again
        assertThat(catalog.reject("configmap ns/name key catalog.yaml", "ConfigMap has no key catalog.yaml"))
                .isSameAs(missing);
        assertThat(catalog.rejectedReloads()).isEqualTo(1);
        // another failure is another rejection
        assertThat(catalog.reject("configmap ns/name key catalog.yaml", "ConfigMap deleted")
                        .problems())
                .containsExactly("ConfigMap deleted");
        assertThat(catalog.rejectedReloads()).isEqualTo(2);
    }

    @Test
    void aServiceCheckCanRejectACatalogItCannotServe() {
        catalog = live(document("1"));
        LiveCatalog.Check onlyOpenAiFamily = c -> c.providers().stream()
                .filter(p -> !p.family().startsWith("openai") && !p.family().startsWith("anthropic"))
                .map(p -> "provider " + p.name() + ": no adapter for family " + p.family())
                .toList();
        catalog.addCheck(onlyOpenAiFamily);

        String gemini = document("1").replace("family: anthropic-messages", "family: gemini");
        LiveCatalog.Outcome outcome = catalog.offer(bytes(gemini), "test");
        assertThat(outcome.accepted()).isFalse();
        assertThat(outcome.problems()).containsExactly("provider globex: no adapter for family gemini");

        // a check the catalog in force already fails stops the service at once
        assertThatThrownBy(() -> catalog.addCheck(c -> List.of("never")))
                .isInstanceOfSatisfying(
                        CatalogException.class, e -> assertThat(e.problems()).containsExactly("never"));
    }

    @Test
    void baseUrlOverridesApplyToEveryReloadedCatalog() {
        catalog = LiveCatalog.of(
                bytes(document("1")),
                "start",
                name -> Optional.ofNullable(
                        Map.of("acme", "http://127.0.0.1:9/acme").get(name)));
        catalog.offer(bytes(document("0.5")), "test");
        assertThat(catalog.current().requireProvider("acme").baseUrl()).isEqualTo("http://127.0.0.1:9/acme");
        assertThat(catalog.current().requireProvider("globex").baseUrl()).isEqualTo("https://api.globex.example");
    }

    @Test
    void theWatchedFileIsReloadedWhenItChangesAndABrokenEditIsRejected(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("catalog.yaml");
        Files.writeString(file, document("1"));
        catalog = live(document("1"));
        CatalogFileWatcher.start(file, catalog, Duration.ofMillis(50));

        Files.writeString(file, document("0.25"));
        await().atMost(Duration.ofSeconds(5)).until(() -> promptPico(catalog) == 250_000L);

        Files.writeString(file, document("0.25").replace("upstream_model: one", "upstream_model: \"\""));
        await().atMost(Duration.ofSeconds(5)).until(() -> catalog.rejectedReloads() >= 1);
        assertThat(catalog.lastOutcome().problems()).anyMatch(p -> p.contains("upstream_model is required"));
        assertThat(promptPico(catalog)).isEqualTo(250_000L);

        // gone for a while (an editor's rename, a volume swap): nothing changes; back: reloaded
        Files.delete(file);
        Thread.sleep(200);
        assertThat(promptPico(catalog)).isEqualTo(250_000L);
        Files.writeString(file, document("0.125"));
        await().atMost(Duration.ofSeconds(5)).until(() -> promptPico(catalog) == 125_000L);
    }
}
