package dev.switchboard.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The running stack as {@code make run} left it: URLs and keys from {@code .local/run.env},
 * secrets from {@code .local/secrets.env}, stores at the addresses the services use.
 */
final class Stack {

    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    static final Path ROOT = Path.of(System.getProperty("switchboard.root", ".."))
            .toAbsolutePath()
            .normalize();
    private static final Map<String, String> ENV = load();

    private Stack() {}

    private static Map<String, String> load() {
        Map<String, String> env = new HashMap<>();
        for (String file : List.of(".local/secrets.env", ".local/run.env")) {
            Path path = ROOT.resolve(file);
            if (!Files.exists(path)) {
                throw new IllegalStateException(path + " is missing: start the stack with `make run` first");
            }
            try {
                for (String line : Files.readAllLines(path)) {
                    int eq = line.indexOf('=');
                    if (eq > 0 && !line.startsWith("#")) {
                        String value = line.substring(eq + 1).strip();
                        if (value.length() >= 2 && (value.startsWith("'") || value.startsWith("\""))) {
                            value = value.substring(1, value.length() - 1);
                        }
                        env.put(
                                line.substring(0, eq)
                                        .replaceFirst("^export\\s+", "")
                                        .strip(),
                                value);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return env;
    }

    static String get(String name) {
        String value = System.getenv(name);
        if (value == null || value.isBlank()) {
            value = ENV.get(name);
        }
        if (value == null) {
            throw new IllegalStateException(name + " is not set (neither in the environment nor in .local/*.env)");
        }
        return value;
    }

    static String getOr(String name, String fallback) {
        String value = System.getenv(name);
        return value != null && !value.isBlank() ? value : ENV.getOrDefault(name, fallback);
    }

    static String url() {
        return get("SWITCHBOARD_URL");
    }

    static String key() {
        return get("SWITCHBOARD_KEY");
    }

    static HttpResponse<String> postChat(String key, String body) {
        return send(HttpRequest.newBuilder(URI.create(url() + "/chat/completions"))
                .header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build());
    }

    static HttpResponse<String> get(String pathAndQuery, String key) {
        return send(HttpRequest.newBuilder(URI.create(url() + pathAndQuery))
                .header("Authorization", "Bearer " + key)
                .timeout(Duration.ofSeconds(30))
                .GET()
                .build());
    }

    /**
     * One command to the stack's Redis (database 0, or the one REDIS_URL names) over a plain socket,
     * so tests read shared state without a client of their own: an integer reply as {@code ":1"},
     * a string as its text, nil as the empty string.
     */
    static String redis(String... command) {
        URI url = dev.switchboard.testsupport.LocalStack.redis();
        String db = url.getPath() == null || url.getPath().length() <= 1
                ? "0"
                : url.getPath().substring(1);
        try (java.net.Socket socket = new java.net.Socket(url.getHost(), url.getPort() < 0 ? 6379 : url.getPort())) {
            socket.setSoTimeout(2_000);
            var out = socket.getOutputStream();
            var in = new java.io.DataInputStream(new java.io.BufferedInputStream(socket.getInputStream()));
            out.write(resp("SELECT", db));
            out.write(resp(command));
            out.flush();
            readReply(in);
            return readReply(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] resp(String... args) {
        StringBuilder b = new StringBuilder("*").append(args.length).append("\r\n");
        for (String a : args) {
            b.append('$')
                    .append(a.getBytes(java.nio.charset.StandardCharsets.UTF_8).length)
                    .append("\r\n")
                    .append(a)
                    .append("\r\n");
        }
        return b.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    private static String readReply(java.io.DataInputStream in) throws IOException {
        String line = readLine(in);
        return switch (line.charAt(0)) {
            case ':' -> line;
            case '+' -> line.substring(1);
            case '-' -> throw new AssertionError("redis: " + line.substring(1));
            case '$' -> {
                int n = Integer.parseInt(line.substring(1));
                if (n < 0) {
                    yield "";
                }
                byte[] data = new byte[n + 2];
                in.readFully(data);
                yield new String(data, 0, n, java.nio.charset.StandardCharsets.UTF_8);
            }
            default -> throw new AssertionError("redis reply not understood: " + line);
        };
    }

    private static String readLine(java.io.DataInputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        int c;
        while ((c = in.read()) != '\r') {
            if (c < 0) {
                throw new IOException("redis closed the connection");
            }
            b.append((char) c);
        }
        in.read(); // \n
        return b.toString();
    }

    /**
     * Starts a second replica of the stack service {@code service} from its packaged jar, listening on
     * {@code port} (set through {@code portVariable}) with {@code env}, and waits until it is ready.
     * Its log goes to e2e-tests/target/{name}-2.log.
     */
    static Process startReplica(String service, String portVariable, int port, Map<String, String> env) {
        Path app = ROOT.resolve(".local/apps/" + service + "/quarkus-run.jar");
        String log = service.replace("-service", "") + "-2.log";
        ProcessBuilder builder = new ProcessBuilder(List.of(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xmx256m",
                        "-Dswitchboard.service=" + service + "-2",
                        "-jar",
                        app.toString()))
                .redirectErrorStream(true)
                .redirectOutput(ROOT.resolve("e2e-tests/target/" + log).toFile());
        builder.environment().putAll(env);
        builder.environment().put(portVariable, Integer.toString(port));
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        org.awaitility.Awaitility.await()
                .atMost(Duration.ofSeconds(60))
                .ignoreExceptions()
                .until(() -> send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/health/ready"))
                                        .build())
                                .statusCode()
                        == 200);
        return process;
    }

    /** Stops a replica {@link #startReplica} started (null: nothing to stop). */
    static void stopReplica(Process replica) throws InterruptedException {
        if (replica != null) {
            replica.destroy();
            replica.waitFor();
        }
    }

    static HttpResponse<String> send(HttpRequest request) {
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static JsonNode json(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + body, e);
        }
    }

    /** A call of auth-service's admin API (bearer admin token from .local/secrets.env). */
    static HttpResponse<String> admin(String method, String path, String body, String idempotencyKey) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:8081" + path))
                .header("Authorization", "Bearer " + get("SWITCHBOARD_ADMIN_TOKEN"))
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(30))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (idempotencyKey != null) {
            request.header("Idempotency-Key", idempotencyKey);
        }
        return send(request.build());
    }

    /** A fresh account with {@code creditUsd} and an inference key (plus limits in {@code keyFields}); answers [account id, key]. */
    static String[] account(String creditUsd, String keyFields) {
        String account = json(admin(
                                "POST",
                                "/admin/v1/accounts",
                                "{\"name\":\"e2e-" + java.util.UUID.randomUUID() + "\"}",
                                null)
                        .body())
                .path("id")
                .asText();
        admin(
                "POST",
                "/admin/v1/accounts/" + account + "/credits",
                "{\"amount_usd\":\"" + creditUsd + "\"}",
                java.util.UUID.randomUUID().toString());
        String extra = keyFields == null || keyFields.isBlank() ? "" : "," + keyFields;
        String key = json(admin(
                                "POST",
                                "/admin/v1/accounts/" + account + "/keys",
                                "{\"kind\":\"inference\"" + extra + "}",
                                null)
                        .body())
                .path("secret")
                .asText();
        return new String[] {account, key};
    }

    /** The provider simulator's control endpoint (behaviour per provider; DELETE /_sim/providers resets). */
    static void simulator(String method, String path, String body) {
        String base = "http://127.0.0.1:" + getOr("SIM_PORT", "8090");
        HttpRequest.Builder request =
                HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json");
        request = body == null
                ? request.method(method, HttpRequest.BodyPublishers.noBody())
                : request.method(method, HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> response = send(request.build());
        if (response.statusCode() >= 300) {
            throw new AssertionError("simulator answered " + response.statusCode() + ": " + response.body());
        }
    }

    static HttpResponse<String> call(String method, String base, String path, String key, String body) {
        return send(HttpRequest.newBuilder(URI.create(base + path))
                .header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(60))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build());
    }

    static Connection postgres() throws SQLException {
        String url = getOr("POSTGRES_URL", "postgresql://127.0.0.1:5432/switchboard");
        return DriverManager.getConnection(
                "jdbc:" + url, getOr("POSTGRES_USER", "switchboard"), getOr("POSTGRES_PASSWORD", "switchboard"));
    }

    /** A ClickHouse query over its HTTP interface, answered as TabSeparated text. */
    static String clickhouse(String sql) {
        String base = getOr("CLICKHOUSE_URL", "http://127.0.0.1:8123");
        String database = getOr("CLICKHOUSE_DATABASE", "switchboard");
        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(
                        base + "/?database=" + database + "&query=" + URLEncoder.encode(sql, StandardCharsets.UTF_8)))
                .timeout(Duration.ofSeconds(30))
                .GET()
                .build());
        if (response.statusCode() != 200) {
            throw new AssertionError("ClickHouse answered " + response.statusCode() + ": " + response.body());
        }
        return response.body().strip();
    }

    /** Runs {@code deploy/local/stack.sh <args>} and fails the test if it fails. */
    static void stackScript(String... args) {
        script("stack.sh", Map.of(), args);
    }

    /**
     * Runs {@code deploy/local/services.sh <args>} (start, stop, restart or kill of named services)
     * with {@code env} on top of this process's environment, and fails the test if it fails.
     */
    static void services(Map<String, String> env, String... args) {
        script("services.sh", env, args);
    }

    private static void script(String name, Map<String, String> env, String... args) {
        List<String> command = new java.util.ArrayList<>(
                List.of("bash", ROOT.resolve("deploy/local/" + name).toString()));
        command.addAll(List.of(args));
        String log = "e2e-tests/target/" + name.replace(".sh", "") + "-script.log";
        try {
            ProcessBuilder builder = new ProcessBuilder(command)
                    .directory(ROOT.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(
                            ProcessBuilder.Redirect.appendTo(ROOT.resolve(log).toFile()));
            builder.environment().putAll(env);
            Process process = builder.start();
            if (!process.waitFor(180, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new AssertionError(name + " " + String.join(" ", args) + " failed; see " + log);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
