package dev.switchboard.e2e;

import dev.switchboard.catalog.CatalogLoader;
import dev.switchboard.catalog.ProviderSpec;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * No log of any service holds a secret or a prompt: after the suite's requests so far, plus a
 * streamed and a plain chat whose prompt is a canary and a call with a wrong key, every line that
 * the stack's services wrote ({@code .local/logs/*.log}, and the extra replicas' logs under
 * {@code e2e-tests/target/}) is searched for the caller's API key, the wrong key, the prompt, the
 * service secrets and every provider credential. A hit names the file, the line and what leaked
 * (never the value).
 */
@Order(99)
class LogHygieneE2eTest {

    @Test
    void noLogHoldsAKeyAProviderCredentialASecretOrAPrompt() throws Exception {
        String canary = "canary-" + UUID.randomUUID();
        for (boolean stream : new boolean[] {false, true}) {
            HttpResponse<String> response = Stack.postChat(
                    Stack.key(),
                    "{\"model\":\"openai/gpt-4o-mini\",\"max_tokens\":16,\"stream\":" + stream
                            + ",\"messages\":[{\"role\":\"user\",\"content\":\"Repeat after me: " + canary + "\"}]}");
            assertThat(response.statusCode()).isEqualTo(200);
        }
        String wrongKey = "sk-sb-v1-" + UUID.randomUUID().toString().replace("-", "");
        assertThat(Stack.postChat(
                                wrongKey,
                                "{\"model\":\"openai/gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\""
                                        + canary + "\"}]}")
                        .statusCode())
                .isEqualTo(401);
        HttpResponse<String> models = Stack.send(HttpRequest.newBuilder(URI.create(Stack.url() + "/models"))
                .header("Authorization", "Bearer " + wrongKey)
                .GET()
                .build());
        assertThat(models.statusCode()).isLessThan(500);
        // the request lines are written as each request ends; give the slowest a moment
        Thread.sleep(1_000);

        Map<String, String> secrets = new LinkedHashMap<>();
        secrets.put("the caller's API key", Stack.key());
        secrets.put("a wrong API key", wrongKey);
        secrets.put("the prompt", canary);
        for (String name : List.of("SWITCHBOARD_INTERNAL_TOKEN", "SWITCHBOARD_KEY_SECRET", "SWITCHBOARD_ADMIN_TOKEN")) {
            secrets.put(name, Stack.get(name));
        }
        for (ProviderSpec provider : CatalogLoader.builtIn().providers()) {
            String key = "sim-" + provider.name() + "-key";
            secrets.put("the credential of " + provider.name(), key);
        }

        List<Path> logs = new ArrayList<>();
        for (Path dir : List.of(Stack.ROOT.resolve(".local/logs"), Stack.ROOT.resolve("e2e-tests/target"))) {
            if (Files.isDirectory(dir)) {
                try (Stream<Path> files = Files.list(dir)) {
                    files.filter(f -> f.getFileName().toString().endsWith(".log") && Files.isRegularFile(f))
                            .forEach(logs::add);
                }
            }
        }
        assertThat(logs)
                .as("service logs")
                .anyMatch(p -> p.getFileName().toString().startsWith("edge"))
                .anyMatch(p -> p.getFileName().toString().startsWith("router"));
        List<String> leaks = new ArrayList<>();
        long lines = 0;
        for (Path log : logs) {
            List<String> content = read(log);
            lines += content.size();
            for (int i = 0; i < content.size(); i++) {
                String line = content.get(i);
                for (Map.Entry<String, String> secret : secrets.entrySet()) {
                    if (line.contains(secret.getValue())) {
                        leaks.add(Stack.ROOT.relativize(log) + ":" + (i + 1) + " holds " + secret.getKey());
                    }
                }
            }
        }
        assertThat(lines).as("log lines read").isPositive();
        assertThat(leaks).isEmpty();
    }

    /** The file's lines, undecodable bytes replaced (a log may hold anything). */
    private static List<String> read(Path log) throws IOException {
        byte[] bytes = Files.readAllBytes(log);
        String text = StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE)
                .decode(java.nio.ByteBuffer.wrap(bytes))
                .toString();
        return text.lines().toList();
    }
}
