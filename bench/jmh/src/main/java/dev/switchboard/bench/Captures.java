package dev.switchboard.bench;

import dev.switchboard.catalog.ProviderSpec;
import dev.switchboard.providers.ProviderAdapter;
import dev.switchboard.providers.UpstreamRequest;
import dev.switchboard.simulator.ProviderSimulator;
import io.vertx.core.Vertx;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Real provider response bodies for the benchmarks: each family's adapter builds its own streaming
 * request, the in-process provider simulator answers it in that family's framing, and the body is
 * kept byte for byte. The benchmark then replays it cut into the chunks a provider flushes (one
 * frame each), so what is measured is exactly what the router does per chunk in production.
 */
final class Captures {

    /** Output tokens of each text answer: a medium-length chat answer. */
    static final int TOKENS = 200;

    private static final Set<String> RESTRICTED = Set.of("host", "content-length", "connection", "expect", "upgrade");

    private Captures() {}

    static Path file(Path dir, Families family, Families.Shape shape) {
        return dir.resolve(family.name().toLowerCase() + "-" + shape.name().toLowerCase() + ".body");
    }

    /** Captures every family and shape into {@code dir}. */
    static void captureAll(Path dir) throws Exception {
        Files.createDirectories(dir);
        Vertx vertx = Vertx.vertx();
        try {
            ProviderSimulator simulator = new ProviderSimulator(vertx, Map.of());
            simulator
                    .start("127.0.0.1", 0)
                    .toCompletionStage()
                    .toCompletableFuture()
                    .get();
            String base = "http://127.0.0.1:" + simulator.port();
            HttpClient http =
                    HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            for (Families family : Families.values()) {
                HttpResponse<String> configured = http.send(
                        HttpRequest.newBuilder(URI.create(base + "/_sim/providers/" + family.provider))
                                .header("Content-Type", "application/json")
                                .PUT(HttpRequest.BodyPublishers.ofString(
                                        "{\"ttft_ms\":1,\"inter_token_ms\":0,\"tokens\":" + TOKENS + "}"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                check(
                        configured.statusCode(),
                        family,
                        "configure the simulator",
                        configured.body().getBytes());
                for (Families.Shape shape : Families.Shape.values()) {
                    Files.write(file(dir, family, shape), capture(http, base, family, shape));
                }
            }
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get();
        }
    }

    private static byte[] capture(HttpClient http, String base, Families family, Families.Shape shape)
            throws Exception {
        ProviderSpec provider = family.specAt(base);
        String credential = "bedrock-converse".equals(provider.family())
                ? ProviderSimulator.defaultBedrockCredential(provider.name())
                : ProviderSimulator.defaultCredential(provider.name());
        UpstreamRequest upstream =
                family.adapter.toUpstream(provider, family.endpoint(), family.request(shape), 4096, credential);
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(upstream.url()))
                .POST(HttpRequest.BodyPublishers.ofByteArray(upstream.body()));
        upstream.headers().forEach((name, value) -> {
            if (!RESTRICTED.contains(name.toLowerCase())) {
                request.header(name, value);
            }
        });
        HttpResponse<byte[]> response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        check(response.statusCode(), family, "stream a " + shape + " answer", response.body());
        return response.body();
    }

    private static void check(int status, Families family, String what, byte[] body) {
        if (status != 200) {
            throw new IllegalStateException(
                    family + ": could not " + what + ": HTTP " + status + " " + new String(body));
        }
    }

    /**
     * The body cut as a provider flushes it: one chunk per frame (an SSE event through its blank
     * line, or one AWS event stream message).
     */
    static List<byte[]> chunks(byte[] body, ProviderAdapter.Framing framing) {
        List<byte[]> out = new ArrayList<>();
        int start = 0;
        if (framing == ProviderAdapter.Framing.AWS_EVENT_STREAM) {
            while (start < body.length) {
                int total = ByteBuffer.wrap(body, start, 4).getInt();
                out.add(java.util.Arrays.copyOfRange(body, start, start + total));
                start += total;
            }
            return out;
        }
        for (int i = 0; i + 1 < body.length; i++) {
            if (body[i] == '\n' && body[i + 1] == '\n') {
                out.add(java.util.Arrays.copyOfRange(body, start, i + 2));
                start = i + 2;
                i++;
            }
        }
        if (start < body.length) {
            out.add(java.util.Arrays.copyOfRange(body, start, body.length));
        }
        return out;
    }

    static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IllegalStateException(
                    "no capture at " + file + ": run the benchmarks through TranslationReport", e);
        }
    }
}
