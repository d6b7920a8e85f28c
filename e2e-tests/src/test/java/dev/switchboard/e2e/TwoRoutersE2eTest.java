package dev.switchboard.e2e;

import dev.switchboard.testsupport.RouteRequests;
import dev.switchboard.wire.RouteEvent;
import dev.switchboard.wire.RouteRequest;
import dev.switchboard.wire.RoutingPreferences;
import dev.switchboard.wire.WireCodec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Shared breakers across router processes: failures seen by the stack's router open a provider's
 * breaker in Redis, and a second router process, which saw none of them, routes around the
 * provider too, even once the prober says the provider is up again; a success through the second
 * router closes the breaker for both.
 */
@Order(13)
class TwoRoutersE2eTest {

    static final int PORT = 8092;
    static final String PROVIDER = "deepinfra";
    static final String MODEL = "meta-llama/llama-3.1-8b-instruct";
    /** Cheapest first: while healthy, DeepInfra serves it. */
    static final String FLOOR =
            "{\"model\":\"" + MODEL + ":floor\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    static Process second;
    /** The stack's router's port. */
    static int first;

    @BeforeAll
    static void startSecondRouter() throws IOException {
        // the same configuration as the stack's router (providers, credentials, stores), another port
        Map<String, String> env = new HashMap<>(environmentOf("router-service"));
        first = Integer.parseInt(env.getOrDefault("ROUTER_PORT", "8082"));
        // a spool directory is one router's (the first one holds its lock)
        env.put(
                "SWITCHBOARD_ROUTER_USAGE_SPOOL_DIR",
                Path.of("target", "usage-spool-" + PORT).toAbsolutePath().toString());
        second = Stack.startReplica("router-service", "ROUTER_PORT", PORT, env);
    }

    @AfterAll
    static void stopSecondRouter() throws InterruptedException {
        Stack.stopReplica(second);
    }

    @BeforeEach
    @AfterEach
    void healthyAgain() {
        Stack.simulator("DELETE", "/_sim/providers", null);
    }

    /** The environment of a running stack service (Linux: /proc/PID/environ). */
    static Map<String, String> environmentOf(String service) throws IOException {
        long pid = ProcessHandle.allProcesses()
                .filter(p -> p.info()
                        .arguments()
                        .map(a -> List.of(a).contains("-Dswitchboard.service=" + service))
                        .orElse(false))
                .findFirst()
                .orElseThrow(() -> new AssertionError(service + " is not running (make run)"))
                .pid();
        Map<String, String> env = new HashMap<>();
        for (String entry : new String(
                        Files.readAllBytes(Path.of("/proc", Long.toString(pid), "environ")), StandardCharsets.UTF_8)
                .split("\0")) {
            int eq = entry.indexOf('=');
            if (eq > 0) {
                env.put(entry.substring(0, eq), entry.substring(eq + 1));
            }
        }
        return env;
    }

    /** Routes a short chat through the second router's internal API; the events it answered. */
    static List<RouteEvent> viaSecond(RoutingPreferences routing, String model) {
        return via(PORT, routing, model);
    }

    /**
     * HTTP/1.1, one connection per concurrent request: the JDK client's default (an HTTP/2 upgrade
     * on the first request of a connection) is no part of what is tested, and a burst must not wait
     * on it.
     */
    static final HttpClient HTTP1 = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    /** Routes a short chat through the internal API of the router on {@code port}; the events it answered. */
    static List<RouteEvent> via(int port, RoutingPreferences routing, String model) {
        String generation = "gen-" + UUID.randomUUID();
        RouteRequest request = RouteRequests.shortChat(generation, model, routing);
        HttpResponse<String> response = send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/internal/v1/chat"))
                .header("X-Switchboard-Service-Token", Stack.getOr("SWITCHBOARD_INTERNAL_TOKEN", "dev-internal-token"))
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofByteArray(WireCodec.encode(request)))
                .build());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body()
                .lines()
                .map(l -> WireCodec.decodeEvent(l.getBytes(StandardCharsets.UTF_8)))
                .toList();
    }

    private static HttpResponse<String> send(HttpRequest request) {
        try {
            return HTTP1.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** When the second router last read provider health from Redis (epoch ms), from its readiness data. */
    static long secondRefreshedAt() {
        long now = System.currentTimeMillis();
        HttpResponse<String> ready =
                Stack.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + PORT + "/q/health/ready"))
                        .build());
        for (var check : Stack.json(ready.body()).path("checks")) {
            if ("router".equals(check.path("name").asText())) {
                long age = check.at("/data/health_snapshot_age_ms").asLong(-1);
                return age < 0 ? 0 : now - age;
            }
        }
        return 0;
    }

    /** Whether the prober's status says up, from a check made after {@code millis}. */
    static boolean upSince(long millis) {
        String status = Stack.redis("GET", "provider:" + PROVIDER + ":status");
        if (status.isEmpty()) {
            return false;
        }
        var json = Stack.json(status);
        return "up".equals(json.path("state").asText())
                && java.time.Instant.parse(json.path("checked_at").asText("1970-01-01T00:00:00Z"))
                                .toEpochMilli()
                        > millis;
    }

    /**
     * Sends {@code n} cheapest-first chats straight to the stack's router at once and waits for every
     * answer. Straight, not through the edge: the failures must add up to the breaker's threshold
     * before the prober, which probes every 2 s, reports the provider down (from then on no router
     * tries it), and the edge's path (key, credit hold) would spread them out on a loaded machine.
     */
    static void burst(int n) {
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<List<RouteEvent>>> calls = IntStream.range(0, n)
                    .mapToObj(i -> threads.submit(() -> via(first, CHEAPEST, MODEL)))
                    .toList();
            for (Future<List<RouteEvent>> call : calls) {
                assertThat(call.get(40, TimeUnit.SECONDS).getLast()).isInstanceOf(RouteEvent.Completed.class);
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            throw new AssertionError("a request of the burst did not end within 40 s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static String firstRouted(List<RouteEvent> events) {
        return events.stream()
                .filter(RouteEvent.Routed.class::isInstance)
                .map(e -> ((RouteEvent.Routed) e).provider())
                .findFirst()
                .orElse(null);
    }

    static final RoutingPreferences CHEAPEST = new RoutingPreferences(
            List.of(), true, false, false, false, List.of(), List.of(), List.of(), "price", null, null);
    static final RoutingPreferences ONLY_DEEPINFRA = new RoutingPreferences(
            List.of(), true, false, false, false, List.of(PROVIDER), List.of(), List.of(), null, null, null);

    @Test
    void aBreakerOpenedByOneRouterIsHonouredByTheOther() {
        assertThat(firstRouted(viaSecond(CHEAPEST, MODEL))).isEqualTo(PROVIDER);

        // the stack's router sees DeepInfra fail (each request falls back and succeeds elsewhere). The
        // requests go in concurrent bursts: the breaker needs 5 failures, and once the prober reports
        // DeepInfra down (a status of its own, within a probe interval) no router tries it any more,
        // so one request at a time could stop short of the threshold.
        Stack.simulator("PUT", "/_sim/providers/" + PROVIDER, "{\"fail_status\":503}");
        await().atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(100))
                .untilAsserted(() -> {
                    burst(12);
                    assertThat(Stack.redis("EXISTS", "breaker:" + PROVIDER + ":open"))
                            .as(
                                    "breaker open (failures %s, status %s)",
                                    Stack.redis("GET", "breaker:" + PROVIDER + ":failures"),
                                    Stack.redis("GET", "provider:" + PROVIDER + ":status"))
                            .isEqualTo(":1");
                });
        long openedBy = System.currentTimeMillis();
        // the second router reads Redis every second: wait for a refresh that saw the open breaker
        await().atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> secondRefreshedAt() > openedBy + 100);

        // DeepInfra recovers and the prober says so (a status checked after the recovery); its breaker stays open for
        // its 60 s
        Stack.simulator("DELETE", "/_sim/providers", null);
        long recovered = System.currentTimeMillis();
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> upSince(recovered));
        long upAt = System.currentTimeMillis();
        await().atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> secondRefreshedAt() > upAt + 100);
        assertThat(Stack.redis("EXISTS", "breaker:" + PROVIDER + ":open")).isEqualTo(":1");

        // the second router, which saw no failure, puts the degraded provider after the healthy ones
        List<RouteEvent> around = viaSecond(CHEAPEST, MODEL);
        assertThat(around.getLast()).isInstanceOf(RouteEvent.Completed.class);
        assertThat(firstRouted(around)).isNotNull().isNotEqualTo(PROVIDER);

        // a success through the second router (the half-open trial) closes it for both routers
        List<RouteEvent> trial = viaSecond(ONLY_DEEPINFRA, MODEL);
        assertThat(trial.getLast()).isInstanceOf(RouteEvent.Completed.class);
        await().atMost(Duration.ofSeconds(5))
                .until(() ->
                        Stack.redis("EXISTS", "breaker:" + PROVIDER + ":open").equals(":0"));
        await().atMost(Duration.ofSeconds(5))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> Stack.postChat(Stack.key(), FLOOR)
                        .headers()
                        .firstValue("X-Provider")
                        .orElse("")
                        .equals(PROVIDER));
    }
}
