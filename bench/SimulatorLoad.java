import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.LongAdder;

/**
 * Load generator for the provider simulator (run by bench/simulator-throughput.sh; plain JDK, no
 * dependencies): {@code concurrency} virtual threads each send streaming chat requests back to back
 * for {@code seconds} and count the response's frames. Prints one line:
 * {@code family concurrency seconds requests frames errors}.
 *
 * <p>java bench/SimulatorLoad.java BASE_URL FAMILY CONCURRENCY SECONDS
 */
public final class SimulatorLoad {

    public static void main(String[] args) throws Exception {
        String base = args[0];
        String family = args[1];
        int concurrency = Integer.parseInt(args[2]);
        int seconds = Integer.parseInt(args[3]);
        HttpRequest request = request(base, family);
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        LongAdder requests = new LongAdder();
        LongAdder frames = new LongAdder();
        LongAdder errors = new LongAdder();
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < concurrency; i++) {
                pool.submit(() -> {
                    while (System.nanoTime() < end) {
                        try {
                            HttpResponse<java.io.InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
                            if (response.statusCode() != 200) {
                                errors.increment();
                                response.body().close();
                                continue;
                            }
                            try (BufferedReader body = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                                String line;
                                while ((line = body.readLine()) != null) {
                                    if (line.startsWith("data:")) {
                                        frames.increment();
                                    }
                                }
                            }
                            requests.increment();
                        } catch (Exception e) {
                            errors.increment();
                        }
                    }
                    return null;
                });
            }
        }
        System.out.printf("%s %d %d %d %d %d%n", family, concurrency, seconds, requests.sum(), frames.sum(), errors.sum());
    }

    private static HttpRequest request(String base, String family) {
        String chat = "\"messages\":[{\"role\":\"user\",\"content\":\"Tell me about routing.\"}]";
        HttpRequest.Builder b;
        switch (family) {
            case "openai" -> b = HttpRequest.newBuilder(URI.create(base + "/openai/v1/chat/completions"))
                    .header("Authorization", "Bearer sim-openai-key")
                    .POST(body("{\"model\":\"gpt-4o-mini\",\"stream\":true,\"stream_options\":{\"include_usage\":true}," + chat + "}"));
            case "anthropic" -> b = HttpRequest.newBuilder(URI.create(base + "/anthropic/v1/messages"))
                    .header("x-api-key", "sim-anthropic-key").header("anthropic-version", "2023-06-01")
                    .POST(body("{\"model\":\"claude-3-5-haiku-20241022\",\"max_tokens\":1024,\"stream\":true," + chat + "}"));
            case "gemini" -> b = HttpRequest.newBuilder(URI.create(base + "/google/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse"))
                    .header("x-goog-api-key", "sim-google-key")
                    .POST(body("{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"Tell me about routing.\"}]}]}"));
            case "cohere" -> b = HttpRequest.newBuilder(URI.create(base + "/cohere/v2/chat"))
                    .header("Authorization", "Bearer sim-cohere-key")
                    .POST(body("{\"model\":\"command-a-03-2025\",\"stream\":true," + chat + "}"));
            default -> throw new IllegalArgumentException("family: openai, anthropic, gemini or cohere");
        }
        return b.header("Content-Type", "application/json").timeout(Duration.ofSeconds(30)).build();
    }

    private static HttpRequest.BodyPublisher body(String json) {
        return HttpRequest.BodyPublishers.ofString(json);
    }
}
