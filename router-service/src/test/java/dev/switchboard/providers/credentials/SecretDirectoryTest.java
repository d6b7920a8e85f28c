package dev.switchboard.providers.credentials;

import io.smallrye.config.SmallRyeConfigBuilder;
import io.vertx.mutiny.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The default source with a mounted Secret directory: file values win, and a rotated file is used without a restart. */
class SecretDirectoryTest {

    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void close() {
        vertx.closeAndAwait();
    }

    private static CredentialsConfig dir(Path dir) {
        return new CredentialsConfig() {
            @Override
            public Source source() {
                return Source.CONFIG;
            }

            @Override
            public Optional<String> dir() {
                return Optional.of(dir.toString());
            }

            @Override
            public Duration refreshInterval() {
                return Duration.ofMillis(50);
            }

            @Override
            public Vault vault() {
                return null;
            }
        };
    }

    @Test
    void aRotatedSecretFileIsUsedWithoutARestart(@TempDir Path dir) throws Exception {
        // as a Secret volume looks: the keys are symlinks into a timestamped directory
        Path data = Files.createDirectory(dir.resolve("..2026_11_26_10_00_00.1"));
        Files.writeString(data.resolve("openai"), "sk-first\n");
        Files.createSymbolicLink(dir.resolve("..data"), data.getFileName());
        Files.createSymbolicLink(dir.resolve("openai"), Path.of("..data", "openai"));
        var config = new SmallRyeConfigBuilder()
                .withDefaultValue("switchboard.providers.openai.api-key", "sk-from-env")
                .withDefaultValue("switchboard.providers.groq.api-key", "gsk-from-env")
                .build();

        ConfigCredentialSource source = new ConfigCredentialSource(config, dir(dir), vertx);

        assertThat(source.credential("openai")).contains("sk-first"); // the file wins, trimmed
        assertThat(source.credential("groq")).contains("gsk-from-env"); // not in the Secret: configuration
        assertThat(source.credential("nobody")).isEmpty();

        // Kubernetes rotates a Secret by writing a new directory and swapping the ..data link
        Path rotated = Files.createDirectory(dir.resolve("..2026_11_26_11_00_00.2"));
        Files.writeString(rotated.resolve("openai"), "sk-second");
        Path swap = dir.resolve("..data_tmp");
        Files.createSymbolicLink(swap, rotated.getFileName());
        Files.move(
                swap,
                dir.resolve("..data"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);

        await().atMost(Duration.ofSeconds(5))
                .until(() -> source.credential("openai").equals(Optional.of("sk-second")));
    }
}
